// Guards the transaction contract shared by both stores: inside `transaction(fn)` every call must go
// through `tx`. A call on the outer store from inside fn would wait for the transaction it is part of
// (SQLite: the store serialises around an open transaction; PostgreSQL: another connection blocked by
// the transaction's row locks) and hang forever, so it fails at once with a message saying so.
import { AsyncLocalStorage } from 'node:async_hooks';

/** Tracks which store's transaction the current async context runs inside. */
export class TransactionScope {
  private readonly als = new AsyncLocalStorage<true>();

  /** Runs fn marked as inside this store's transaction. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    return this.als.run(true, fn);
  }

  /** Throws when called from inside this store's own transaction. */
  assertOutside(method: string): void {
    if (this.als.getStore())
      throw new Error(`store.${method}() called on the outer store inside its own transaction (use the transaction's tx): it would deadlock`);
  }
}
