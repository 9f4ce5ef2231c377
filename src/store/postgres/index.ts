// The PostgreSQL implementation of Store (node-postgres), shared by several daemon replicas. Same
// contract and schema as SQLite (test/store/contract/ runs one suite against both). Opening is lazy:
// the pool connects and migrates on first use, so opening a session stays synchronous. The URL's
// password is registered for redaction at once, and errors name the database without it.
import type pg from 'pg';
import { UserError } from '../../model/errors.js';
import { registerSecret } from '../../util/redact.js';
import { type Fence, LeaseLost } from '../fence.js';
import { displayUrl } from '../location.js';
import type { Store } from '../store.js';
import { TransactionScope } from '../tx-guard.js';
import { pgModule } from './pg-module.js';
import { PgWriteCounter, type Queryable, type TableContext } from './db.js';
import { migratePostgres } from './migrate.js';
import { recordTables } from './records.js';
import { runTaskTables } from './runs-tasks.js';

export interface PostgresStoreOptions {
  /** plan, status: nothing is migrated or written (every session is read-only). */
  readOnly?: boolean;
  /** Clock for row timestamps (tests). */
  now?: () => Date;
  /** Connections in the pool (default 10). */
  maxConnections?: number;
}

/** Store plus what the replica machinery needs: the pool, the URL as shown, fenced views. */
export interface PostgresStore extends Store {
  /** `postgresql://user@host:port/db`, password masked. */
  readonly display: string;
  /** The connection pool (cluster tables, LISTEN clients are made from its settings). */
  readonly pool: pg.Pool;
  /** Resolves once connected and migrated; rejects with a UserError naming the database. */
  ready(): Promise<void>;
  /** The same store, but every write first checks `fence` in its own transaction (docs/ha.md). */
  fenced(fence: Fence): Store;
  /** Runs fn in a transaction that first checks `fence` (when given): cluster tables written under a lease. */
  fencedWrite<T>(fence: Fence | undefined, fn: (q: Queryable) => Promise<T>): Promise<T>;
}

export function openPostgresStore(url: string, opts: PostgresStoreOptions = {}): PostgresStore {
  const display = displayUrl(url);
  const password = passwordOf(url);
  if (password) registerSecret(password);
  const pool = new (pgModule().Pool)({ connectionString: url, max: opts.maxConnections ?? 10, application_name: 'boreas', connectionTimeoutMillis: 10_000 });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  if (opts.readOnly) pool.on('connect', (client) => void client.query('SET default_transaction_read_only = on').catch(() => undefined));
  const w = new PgWriteCounter();
  const now = opts.now ?? (() => new Date());
  let readyPromise: Promise<void> | undefined;
  const ready = () =>
    (readyPromise ??= migratePostgres(pool, display, !!opts.readOnly).catch((err: unknown) => {
      readyPromise = undefined;
      throw err instanceof UserError ? err : new UserError(`cannot use the state database ${display}: ${describe(err)}`);
    }));
  const scope = new TransactionScope();
  /** Every query of the outer store waits for the migration first. */
  const poolDb: Queryable = {
    query: async (text, params) => {
      await ready();
      return pool.query(text, params);
    },
  };

  const build = (fence: Fence | undefined): Store => {
    const checkFence = async (q: Queryable) => {
      if (fence) await assertFence(q, fence);
    };
    const inTransaction = async <T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
      await ready();
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        try {
          await checkFence(client);
          const result = await fn(client);
          if (fence && !fence.valid()) throw new LeaseLost(`the lease of ${[...fence.leases.keys()].join(', ')} ran out before this write committed`);
          await client.query('COMMIT');
          return result;
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw err;
        }
      } finally {
        client.release();
      }
    };
    const outerCtx: TableContext = {
      db: poolDb,
      w,
      now,
      write: (fn) => {
        scope.assertOutside('write');
        return inTransaction(fn);
      },
    };
    const innerStore = (client: pg.PoolClient, depth: number): Store => {
      const ctx: TableContext = { db: client, w, now, write: (fn) => fn(client) };
      const self: Store = {
        ...recordTables(ctx),
        ...runTaskTables(ctx),
        async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
          const name = `boreas_sp${depth + 1}`;
          await client.query(`SAVEPOINT ${name}`);
          try {
            const result = await fn(innerStore(client, depth + 1));
            await client.query(`RELEASE SAVEPOINT ${name}`);
            return result;
          } catch (err) {
            await client.query(`ROLLBACK TO SAVEPOINT ${name}`);
            throw err;
          }
        },
        rowsWritten: () => w.total,
        close: () => Promise.reject(new Error('store.close() inside a transaction')),
      };
      return self;
    };
    return {
      ...guardReads(recordTables(outerCtx), scope),
      ...guardReads(runTaskTables(outerCtx), scope),
      transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
        scope.assertOutside('transaction');
        return inTransaction((client) => scope.run(() => fn(innerStore(client, 0))));
      },
      rowsWritten: () => w.total,
      async close(): Promise<void> {
        if (!pool.ended) await pool.end();
      },
    };
  };

  const plain = build(undefined);
  const fencedWrite = async <T>(fence: Fence | undefined, fn: (q: Queryable) => Promise<T>): Promise<T> => {
    await ready();
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      try {
        if (fence) await assertFence(client, fence);
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    } finally {
      client.release();
    }
  };
  return { ...plain, display, pool, ready, fencedWrite, fenced: (fence) => ({ ...build(fence), close: async () => undefined }) };
}

/** The same methods, each refusing to run from inside this store's own transaction (it would deadlock on row locks). */
function guardReads<T extends object>(methods: T, scope: TransactionScope): T {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(methods) as Array<[string, (...args: unknown[]) => unknown]>) {
    out[name] = (...args: unknown[]) => {
      scope.assertOutside(name);
      return fn(...args);
    };
  }
  return out as T;
}

/** Verifies, under a share lock held until the transaction ends, that every fenced lease is still ours. */
async function assertFence(q: Queryable, fence: Fence): Promise<void> {
  if (!fence.valid())
    throw new LeaseLost(`replica ${fence.replica}: its lease deadline passed; it no longer writes for ${[...fence.leases.keys()].join(', ')}`);
  const envs = [...fence.leases.keys()];
  const rows = (
    await q.query<{ environment: string; owner: string | null; token: string; live: boolean }>(
      'SELECT environment, owner, token, expires_at > now() AS live FROM cluster_leases WHERE environment = ANY($1::text[]) FOR SHARE',
      [envs],
    )
  ).rows;
  const byEnv = new Map(rows.map((r) => [r.environment, r]));
  for (const [env, token] of fence.leases) {
    const row = byEnv.get(env);
    if (!row || row.owner !== fence.replica || Number(row.token) !== token || !row.live) {
      throw new LeaseLost(
        `environment ${env}: lease is ${row?.owner ? `held by ${row.owner} with token ${row.token}${row.live ? '' : ' (expired)'}` : 'free'}; replica ${fence.replica} (token ${token}) may not write for it`,
      );
    }
  }
}

function passwordOf(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return [e.code, e.message].filter(Boolean).join(': ') || String(err);
}
