// One writer for a PostgreSQL state outside the daemon: `reconcile`, `rollback` and `down` run by
// hand take an exclusive advisory lock and go ahead only when no daemon replica holds a live
// environment lease. Daemon replicas take the same lock shared (per transaction) whenever they
// acquire a lease, so they wait while a command runs and a command waits for no replica.
import { ExitCode, UserError } from '../../model/errors.js';
import type { PostgresStore } from './index.js';

/** The advisory lock shared by lease acquisition and command runs. */
export const writerLockId = 0x626f7277; // "borw"

/** Takes the lock or throws a UserError naming who holds the state; resolves to the release function. */
export async function acquireDatabaseWriterLock(store: PostgresStore, command: string): Promise<() => Promise<void>> {
  await store.ready();
  const client = await store.pool.connect();
  const release = async () => {
    await client.query('SELECT pg_advisory_unlock($1)', [writerLockId]).catch(() => undefined);
    client.release();
  };
  try {
    const got = (await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [writerLockId])).rows[0].ok;
    if (!got) {
      client.release();
      throw new UserError(`another boreas command is working on ${store.display}`, ExitCode.UsageOrChanges, 'wait for it to finish, or stop it');
    }
    const held = (
      await client.query<{ environment: string; owner: string }>(
        'SELECT environment, owner FROM cluster_leases WHERE owner IS NOT NULL AND expires_at > now() ORDER BY environment LIMIT 3',
      )
    ).rows;
    if (held.length) {
      await release();
      throw new UserError(
        `daemon replicas own this state (${held.map((h) => `environment ${h.environment}: ${h.owner}`).join(', ')}); \`boreas ${command}\` would race them`,
        ExitCode.UsageOrChanges,
        'ask a replica instead: POST /api/v1/reconcile (or stop the daemons first)',
      );
    }
    return release;
  } catch (err) {
    if (!(err instanceof UserError)) client.release();
    throw err;
  }
}
