// `boreas state migrate --from <sqlite file> --to <url>`: copies a single-node installation's state
// into an empty PostgreSQL database so several daemon replicas can take over (docs/ha.md). Table-
// driven: every table of the SQLite schema is copied column by column in foreign-key order, so a
// column another migration adds is copied without touching this file. All or nothing: one
// PostgreSQL transaction, and a database that already holds state is refused untouched.
import { existsSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { UserError } from '../model/errors.js';
import { openPostgresStore } from './postgres/index.js';
import { openDatabase } from './sqlite/open.js';

/** Rows per INSERT: well under PostgreSQL's 65535 parameters for any table here. */
const batchRows = 500;
/** SQLite bookkeeping tables that are not state. */
const skipped = new Set(['schema_migrations', 'sqlite_sequence']);

export interface CopyResult {
  /** Rows copied per table, in copy order. */
  tables: Array<{ table: string; rows: number }>;
}

/** Copies every state table of `file` into the database at `url` (created and migrated as needed). */
export async function copySqliteToPostgres(file: string, url: string): Promise<CopyResult> {
  if (!existsSync(file)) throw new UserError(`--from ${file}: no such state file`);
  // A writer open: an older state file is migrated to the schema version PostgreSQL gets.
  const db = openDatabase(file);
  const store = openPostgresStore(url);
  try {
    const tables = copyOrder(db);
    await store.ready();
    const client = await store.pool.connect();
    try {
      await client.query('BEGIN');
      try {
        for (const table of tables) {
          const { rows } = await client.query<{ n: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${table}) AS n`);
          if (rows[0].n) throw new UserError(`--to ${store.display}: table ${table} already holds state; migrate into an empty database`);
        }
        const result: CopyResult = { tables: [] };
        for (const table of tables) result.tables.push({ table, rows: await copyTable(db, client, table) });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
    } finally {
      client.release();
    }
  } finally {
    db.close();
    await store.close();
  }
}

/** The state tables, parents before the tables referencing them. */
function copyOrder(db: Database.Database): string[] {
  const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>)
    .map((r) => r.name)
    .filter((n) => !skipped.has(n));
  const parents = new Map(names.map((n) => [n, (db.pragma(`foreign_key_list(${n})`) as Array<{ table: string }>).map((f) => f.table)]));
  const ordered: string[] = [];
  const visit = (n: string, path: string[]) => {
    if (ordered.includes(n) || path.includes(n)) return;
    for (const p of parents.get(n) ?? []) if (p !== n) visit(p, [...path, n]);
    ordered.push(n);
  };
  for (const n of names) visit(n, []);
  return ordered;
}

async function copyTable(db: Database.Database, client: pg.PoolClient, table: string): Promise<number> {
  const columns = (db.pragma(`table_info(${table})`) as Array<{ name: string }>).map((c) => c.name);
  const list = columns.map((c) => `"${c}"`).join(', ');
  let copied = 0;
  let batch: unknown[][] = [];
  const flush = async () => {
    if (!batch.length) return;
    const values = batch.map((_, i) => `(${columns.map((_c, j) => `$${i * columns.length + j + 1}`).join(', ')})`).join(', ');
    // OVERRIDING SYSTEM VALUE: ids keep their numbers (tasks reference runs by id).
    await client.query(`INSERT INTO ${table} (${list}) OVERRIDING SYSTEM VALUE VALUES ${values}`, batch.flat());
    copied += batch.length;
    batch = [];
  };
  // rowid order: the order rows were written (task order in a run, audit order).
  for (const row of db.prepare(`SELECT ${list} FROM ${table} ORDER BY rowid`).raw().iterate() as Iterable<unknown[]>) {
    batch.push(row);
    if (batch.length >= batchRows) await flush();
  }
  await flush();
  // Identity columns continue after the copied ids.
  const identities = await client.query<{ column_name: string }>(
    "SELECT column_name FROM information_schema.columns WHERE table_name = $1 AND is_identity = 'YES' AND identity_generation = 'BY DEFAULT'",
    [table],
  );
  for (const { column_name: col } of identities.rows)
    await client.query(`SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT MAX("${col}") FROM ${table}), 0) + 1, false)`, [table, col]);
  return copied;
}
