// The state store: the interface everyone codes against, the SQLite implementation (the embedded
// default) and the PostgreSQL one (several daemon replicas), chosen by `--state`.
export * from './store.js';
export {
  openSqliteStore,
  migrations,
  schemaVersion,
  type SqliteStore,
  type SqliteStoreOptions,
  type Migration,
} from './sqlite/index.js';
export { openPostgresStore, type PostgresStore } from './postgres/index.js';
export { ClusterTables, type LeaseRow, type ReplicaRow } from './postgres/cluster.js';
export { acquireDatabaseWriterLock } from './postgres/writer-lock.js';
export { openStore } from './open-store.js';
export { displayUrl, isDatabaseUrl, stateLocation, type StateLocation } from './location.js';
export { LeaseLost, type Fence } from './fence.js';
