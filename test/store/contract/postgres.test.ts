// The store contract against a real PostgreSQL: one throwaway cluster for this file, a fresh
// database per test. Skips with the reason when PostgreSQL is not installed or cannot start.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openPostgresStore } from '../../../src/store/postgres/index.js';
import { postgresOnlyColumns } from '../../../src/store/postgres/migrations.js';
import { openDatabase } from '../../../src/store/sqlite/open.js';
import { postgresSkipReason, startPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { storeContract } from './suite.js';

let pg: TestPostgres | undefined;
let unavailable = postgresSkipReason();
let databases = 0;
const urls = new WeakMap<object, string>();

before(async () => {
  if (unavailable) return;
  try {
    pg = await startPostgres();
  } catch (err) {
    unavailable = (err as Error).message.split('\n')[0];
  }
});
after(() => pg?.stop());

storeContract({
  async open(t) {
    if (!pg) {
      t.skip(unavailable);
      return undefined;
    }
    const url = await pg.createDatabase(`contract_${++databases}`);
    const store = openPostgresStore(url);
    await store.ready();
    urls.set(store, url);
    t.after(() => store.close());
    return store;
  },
  async reopen(t, store) {
    await store.close();
    const again = openPostgresStore(urls.get(store)!);
    t.after(() => again.close());
    return again;
  },
});

// A column added to the SQLite schema without its PostgreSQL port fails here, naming the table.
test('schema parity: PostgreSQL has the tables and columns of SQLite (plus the listed PostgreSQL-only ones)', async (t) => {
  if (!pg) return t.skip(unavailable);
  const url = await pg.createDatabase('parity');
  const store = openPostgresStore(url);
  t.after(() => store.close());
  await store.ready();
  const db = openDatabase(':memory:');
  const sqlite: Record<string, string[]> = {};
  for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>)
    sqlite[name] = (db.pragma(`table_info(${name})`) as Array<{ name: string }>).map((c) => c.name).sort();
  db.close();
  const rows = (
    await store.pool.query<{ table_name: string; column_name: string }>(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE 'cluster\\_%'",
    )
  ).rows;
  const postgres: Record<string, string[]> = {};
  for (const r of rows) (postgres[r.table_name] ??= []).push(r.column_name);
  for (const [table, columns] of Object.entries(postgres)) postgres[table] = columns.filter((c) => !(postgresOnlyColumns[table] ?? []).includes(c)).sort();
  assert.deepEqual(postgres, sqlite);
});
