// Opens the store a `--state` names: a SQLite file or a PostgreSQL URL (store/location.ts).
import { openPostgresStore } from './postgres/index.js';
import { openSqliteStore } from './sqlite/index.js';
import type { StateLocation } from './location.js';
import type { Store } from './store.js';

export function openStore(location: StateLocation, opts: { readOnly?: boolean } = {}): Store {
  return location.kind === 'sqlite' ? openSqliteStore(location.file, opts) : openPostgresStore(location.url, opts);
}
