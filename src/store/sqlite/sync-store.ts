// better-sqlite3 is synchronous: the table modules implement the store's methods as plain
// functions, and index.ts lifts them to the async contract. This type is that synchronous shape.
import type { Store } from '../store.js';

type Sync<T> = { [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : T[K] };

/** The store's data methods, synchronous (SQLite's own calls). */
export type SyncStore = Sync<Omit<Store, 'transaction' | 'rowsWritten' | 'close'>>;
