// The SQLite implementation of Store: one file, WAL, versioned migrations, statements prepared once
// per open. Composed from one module per table group.
import type { Store } from '../store.js';
import { openDatabase, type OpenOptions } from './open.js';
import { historyTables, type StoredAuditEvent } from './history.js';
import { inventoryTable } from './inventory.js';
import { kvTable } from './kv.js';
import { revisionsTable } from './revisions.js';
import { runsTable } from './runs.js';
import { tasksTable, type TaskAttempt } from './tasks.js';
import { systemClock, WriteCounter, type Clock } from './write-counter.js';

export interface SqliteStoreOptions extends OpenOptions {
  /** Clock for row timestamps (tests). */
  now?: Clock;
}

/** Store plus SQLite-only reads used by tests and diagnostics. */
export interface SqliteStore extends Store {
  /** Newest audit events first, optionally for one subject. */
  listAudit(subject?: string, limit?: number): StoredAuditEvent[];
  /** Every recorded attempt of a task, oldest first. */
  listAttempts(key: string): TaskAttempt[];
}

/** Opens (creating and migrating as needed) the state file at `file`; `:memory:` for a throwaway store. */
export function openSqliteStore(file: string, opts: SqliteStoreOptions = {}): SqliteStore {
  const db = openDatabase(file, opts);
  const w = new WriteCounter();
  const now = opts.now ?? systemClock;
  return {
    ...revisionsTable(db, w, now),
    ...inventoryTable(db, w, now),
    ...runsTable(db, w, now),
    ...tasksTable(db, w, now),
    ...historyTables(db, w, now),
    ...kvTable(db, w, now),
    transaction<T>(fn: () => T): T {
      return db.transaction(fn)();
    },
    rowsWritten(): number {
      return w.total;
    },
    close(): void {
      if (db.open) db.close();
    },
  };
}

export { migrations, schemaVersion, type Migration } from './migrations.js';
export type { StoredAuditEvent } from './history.js';
export type { TaskAttempt } from './tasks.js';
