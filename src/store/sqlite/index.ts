// The SQLite implementation of Store: one file, WAL, versioned migrations, statements prepared once
// per open. Composed from one module per table group (synchronous better-sqlite3 calls), lifted to
// the async contract here. One connection serves the whole process, so while a transaction is open
// other callers wait for it (the gate) instead of having their statements land inside it.
import type { Store } from '../store.js';
import { TransactionScope } from '../tx-guard.js';
import { openDatabase, type OpenOptions } from './open.js';
import { historyTables } from './history.js';
import { inventoryTable } from './inventory.js';
import { kvTable } from './kv.js';
import { revisionsTable } from './revisions.js';
import { runsTable } from './runs.js';
import type { SyncStore } from './sync-store.js';
import { tasksTable } from './tasks.js';
import { systemClock, WriteCounter, type Clock } from './write-counter.js';

export interface SqliteStoreOptions extends OpenOptions {
  /** Clock for row timestamps (tests). */
  now?: Clock;
}

/** The SQLite store (its own name, so callers can say which store they need). */
export type SqliteStore = Store;

/** Opens (creating and migrating as needed) the state file at `file`; `:memory:` for a throwaway store. */
export function openSqliteStore(file: string, opts: SqliteStoreOptions = {}): SqliteStore {
  const db = openDatabase(file, opts);
  const w = new WriteCounter();
  const now = opts.now ?? systemClock;
  const sync: SyncStore = {
    ...revisionsTable(db, w, now),
    ...inventoryTable(db, w, now),
    ...runsTable(db, w, now),
    ...tasksTable(db, w, now),
    ...historyTables(db, w, now),
    ...kvTable(db, w, now),
  };
  const scope = new TransactionScope();
  let gate: Promise<void> | undefined;
  let savepoints = 0;

  /** Runs `fn` once no transaction is open; the check and the call happen in the same tick. */
  const whenFree = async <T>(method: string, fn: () => T): Promise<T> => {
    scope.assertOutside(method);
    while (gate) await gate;
    return fn();
  };

  /** The store as seen from inside a transaction: no gate, nested transactions are savepoints. */
  const inner: Store = {
    ...lift(sync),
    async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
      const name = `boreas_sp${++savepoints}`;
      db.exec(`SAVEPOINT ${name}`);
      try {
        const result = await fn(inner);
        db.exec(`RELEASE ${name}`);
        return result;
      } catch (err) {
        db.exec(`ROLLBACK TO ${name}`);
        db.exec(`RELEASE ${name}`);
        throw err;
      }
    },
    rowsWritten: () => w.total,
    close: () => Promise.reject(new Error('store.close() inside a transaction')),
  };

  return {
    ...lift(sync, whenFree),
    async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
      let open!: () => void;
      await whenFree('transaction', () => {
        gate = new Promise<void>((r) => (open = r));
      });
      try {
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await scope.run(() => fn(inner));
          db.exec('COMMIT');
          return result;
        } catch (err) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw err;
        }
      } finally {
        gate = undefined;
        open();
      }
    },
    rowsWritten(): number {
      return w.total;
    },
    async close(): Promise<void> {
      await whenFree('close', () => db.open && db.close());
    },
  };
}

/** Each synchronous method as an async one, run through `via` (the gate) when given. */
function lift(sync: SyncStore, via?: <T>(method: string, fn: () => T) => Promise<T>): Omit<Store, 'transaction' | 'rowsWritten' | 'close'> {
  const out: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const [name, fn] of Object.entries(sync) as Array<[string, (...args: unknown[]) => unknown]>) {
    out[name] = via ? (...args) => via(name, () => fn(...args)) : async (...args) => fn(...args);
  }
  return out as Omit<Store, 'transaction' | 'rowsWritten' | 'close'>;
}

export { migrations, schemaVersion, type Migration } from './migrations.js';
export type { StoredAuditEvent, TaskAttempt } from '../store.js';
