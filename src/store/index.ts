// The state store: the interface everyone codes against, and the SQLite implementation that backs it.
export * from './store.js';
export {
  openSqliteStore,
  migrations,
  schemaVersion,
  type SqliteStore,
  type SqliteStoreOptions,
  type Migration,
} from './sqlite/index.js';
