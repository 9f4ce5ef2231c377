// Applies the PostgreSQL migrations at open, under an advisory lock so replicas starting together
// migrate once. Each migration runs in its own transaction with the row recording it. A read-only
// open (plan, status) migrates nothing and refuses a schema of another version.
import type { Pool, PoolClient } from 'pg';
import { UserError } from '../../model/errors.js';
import type { Migration } from '../sqlite/migrations.js';
import { clusterMigrations, storeMigrations } from './migrations.js';

/** Lock id for migrations (any constant; other applications' advisory locks would need the same number). */
const migrationLock = 0x626f7265; // "bore"

const tracks: Array<{ table: string; list: Migration[] }> = [
  { table: 'schema_migrations', list: storeMigrations },
  { table: 'cluster_migrations', list: clusterMigrations },
];

export async function migratePostgres(pool: Pool, display: string, readOnly: boolean): Promise<void> {
  const client = await pool.connect();
  try {
    if (readOnly) return await checkVersions(client, display);
    await client.query('SELECT pg_advisory_lock($1)', [migrationLock]);
    try {
      for (const { table, list } of tracks) {
        await client.query(`CREATE TABLE IF NOT EXISTS ${table} (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
        const current = await version(client, table);
        const latest = list.at(-1)?.version ?? 0;
        if (current > latest)
          throw new UserError(`state database ${display} has ${table} version ${current}, newer than this Boreas knows (${latest}); upgrade Boreas`);
        for (const m of list) {
          if (m.version <= current) continue;
          await client.query('BEGIN');
          try {
            await client.query(m.sql);
            await client.query(`INSERT INTO ${table} (version, name, applied_at) VALUES ($1, $2, $3)`, [m.version, m.name, new Date().toISOString()]);
            await client.query('COMMIT');
          } catch (err) {
            await client.query('ROLLBACK');
            throw err;
          }
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [migrationLock]);
    }
  } finally {
    client.release();
  }
}

async function checkVersions(client: PoolClient, display: string): Promise<void> {
  const exists = (await client.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'schema_migrations'")).rowCount;
  const current = exists ? await version(client, 'schema_migrations') : 0;
  const latest = storeMigrations.at(-1)?.version ?? 0;
  if (current !== latest)
    throw new UserError(
      `state database ${display} has schema version ${current}, this Boreas reads version ${latest}; run \`boreas reconcile\` or start the daemon once to migrate it`,
    );
}

async function version(client: PoolClient, table: string): Promise<number> {
  return (await client.query<{ v: number }>(`SELECT COALESCE(MAX(version), 0)::integer AS v FROM ${table}`)).rows[0].v;
}
