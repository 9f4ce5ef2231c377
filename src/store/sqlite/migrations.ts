// Versioned schema migrations. Append only: a released migration is never edited, because state
// files in the wild have already run it. Each migration runs in its own transaction together with
// the row that records it, so a crash leaves the schema at a whole version.
import type { Database } from 'better-sqlite3';
import { UserError } from '../../model/errors.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Migrations after the first, whose SQL both SQLite and PostgreSQL run as written (indexes, added
 * nullable columns): one list, so the two schemas cannot drift apart. Only version 1 is per dialect.
 */
export const portableMigrations: Migration[] = [
  {
    version: 2,
    name: 'lookup indexes for status, history and run views',
    sql: `
      CREATE INDEX tasks_by_run ON tasks(run_id);
      CREATE INDEX tasks_by_revision ON tasks(revision);
      CREATE INDEX inventory_by_target ON inventory(target);
      CREATE INDEX app_revisions_by_app ON app_revisions(application, id);
      CREATE INDEX audit_events_by_subject ON audit_events(subject, id);
    `,
  },
  {
    version: 3,
    name: 'commit subject, author and time of revisions; resources changed per application run',
    sql: addColumns([
      // First line of the commit message, its author's name and the author time (ISO); NULL for an
      // uncommitted working tree and for revisions recorded before this migration.
      { table: 'revisions', column: 'subject', type: 'TEXT' },
      { table: 'revisions', column: 'author', type: 'TEXT' },
      { table: 'revisions', column: 'committed_at', type: 'TEXT' },
      // Tasks of the run that changed one of the application's resources (created, configured or
      // deleted it): a restart of a crashed instance counts. NULL for rows written before.
      { table: 'app_revisions', column: 'changed', type: 'INTEGER' },
    ]),
  },
  {
    version: 4,
    name: 'the last attempt of a task on its own row',
    // A task that succeeds at its first attempt is one row (store.finishTask): its attempt lives on
    // the task row; task_attempts keeps the earlier attempts (retries, earlier runs). NULL when the
    // task has no attempt on its row (cancelled before starting, or recorded before this migration).
    sql: addColumns(lastAttemptColumns()),
  },
  {
    version: 5,
    name: 'per-application history of a run in one row',
    // store.recordAppRevisions: the history lines of every application a run changed, as one JSON
    // object (application -> [result, desired hash, resources changed]): a first reconcile of 10,000
    // applications writes one row, not 10,000. app_revisions keeps the rows written before (and
    // single lines); listAppRevisions reads both.
    sql: `
      CREATE TABLE run_applications (
        run_id INTEGER PRIMARY KEY REFERENCES runs(id), revision TEXT NOT NULL, entries TEXT NOT NULL, at TEXT NOT NULL);
    `,
  },
];

/** All migrations, in order. JSON columns are TEXT; timestamps are ISO strings. */
export const migrations: Migration[] = [
  {
    version: 1,
    name: 'initial tables',
    sql: `
      CREATE TABLE revisions (
        sha TEXT PRIMARY KEY, tree_hash TEXT NOT NULL, source TEXT NOT NULL, ref TEXT,
        seen_at TEXT NOT NULL, valid INTEGER NOT NULL);
      CREATE TABLE desired_snapshots (
        revision TEXT PRIMARY KEY, resources TEXT NOT NULL, count INTEGER NOT NULL, saved_at TEXT NOT NULL);
      CREATE TABLE inventory (
        resource_id TEXT PRIMARY KEY, target TEXT NOT NULL, owner TEXT NOT NULL, resource TEXT NOT NULL,
        applied_hash TEXT NOT NULL, revision TEXT NOT NULL, last_task_key TEXT NOT NULL, applied_at TEXT NOT NULL);
      CREATE TABLE observed (
        resource_id TEXT PRIMARY KEY, observation TEXT NOT NULL, changed_at TEXT NOT NULL);
      CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT, command TEXT NOT NULL, revision TEXT NOT NULL,
        started_at TEXT NOT NULL, finished_at TEXT, converged INTEGER, summary TEXT);
      CREATE TABLE tasks (
        key TEXT PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id), revision TEXT NOT NULL,
        resource_id TEXT NOT NULL, target TEXT NOT NULL, owner TEXT NOT NULL, action TEXT NOT NULL,
        state TEXT NOT NULL, outcome TEXT, message TEXT, attempts INTEGER NOT NULL DEFAULT 0,
        depends_on TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
      CREATE TABLE task_attempts (
        task_key TEXT NOT NULL REFERENCES tasks(key) ON DELETE CASCADE, attempt INTEGER NOT NULL,
        run_id INTEGER NOT NULL, outcome TEXT NOT NULL, message TEXT,
        started_at TEXT NOT NULL, finished_at TEXT NOT NULL, PRIMARY KEY (task_key, attempt));
      CREATE TABLE app_revisions (
        id INTEGER PRIMARY KEY AUTOINCREMENT, application TEXT NOT NULL, revision TEXT NOT NULL,
        run_id INTEGER NOT NULL REFERENCES runs(id), result TEXT NOT NULL, desired_hash TEXT NOT NULL, at TEXT NOT NULL);
      CREATE TABLE audit_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, type TEXT NOT NULL, subject TEXT NOT NULL,
        message TEXT NOT NULL, data TEXT);
      CREATE TABLE kv (
        namespace TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, updated_at TEXT NOT NULL,
        PRIMARY KEY (namespace, key));
    `,
  },
  ...portableMigrations,
];

/** The columns of migration 4 (shared with PostgreSQL's migration 4). */
export function lastAttemptColumns(): AddedColumn[] {
  return [
    { table: 'tasks', column: 'last_attempt', type: 'INTEGER' },
    { table: 'tasks', column: 'last_run_id', type: 'INTEGER' },
    { table: 'tasks', column: 'last_outcome', type: 'TEXT' },
    { table: 'tasks', column: 'last_message', type: 'TEXT' },
    { table: 'tasks', column: 'last_started_at', type: 'TEXT' },
    { table: 'tasks', column: 'last_finished_at', type: 'TEXT' },
  ];
}

/** One column added to an existing table (nullable, so existing rows stay valid). */
export interface AddedColumn {
  table: string;
  column: string;
  type: 'TEXT' | 'INTEGER';
}

/**
 * The SQL of a migration that only adds columns. Kept as a table so another store (PostgreSQL) can
 * port it mechanically: the same rows, its own column types.
 */
export function addColumns(columns: AddedColumn[]): string {
  return columns.map((c) => `ALTER TABLE ${c.table} ADD COLUMN ${c.column} ${c.type};`).join('\n');
}

/** Applies the migrations not yet applied; returns the resulting schema version. */
export function migrate(db: Database, file: string, list: Migration[] = migrations): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const current = (db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;
  const latest = list.length ? list[list.length - 1].version : 0;
  if (current > latest) {
    throw new UserError(`state file ${file} has schema version ${current}, newer than this Boreas knows (${latest}); upgrade Boreas`);
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of list) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString());
    })();
  }
  return Math.max(current, latest);
}

/** Schema version recorded in an open database (0 when never migrated). */
export function schemaVersion(db: Database): number {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!exists) return 0;
  return (db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;
}
