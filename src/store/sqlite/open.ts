// Opens the SQLite state file with the settings Boreas relies on: WAL (the daemon and CLI commands
// such as `status` read while a reconcile writes), a busy timeout instead of immediate SQLITE_BUSY,
// and enforced foreign keys. Creates the parent directory (0700) so `--state` may point anywhere, and
// the file itself 0600 before SQLite opens it (its -wal and -shm files take the database's mode).
import { existsSync } from 'node:fs';
import { mkdirPrivate, touchPrivate } from '../../util/private-files.js';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { UserError } from '../../model/errors.js';
import { migrate, migrations, schemaVersion, type Migration } from './migrations.js';

export interface OpenOptions {
  /** Milliseconds to wait on a lock held by another Boreas process. */
  busyTimeoutMs?: number;
  /** Migrations to apply (tests pass a prefix to build an old-version file). */
  migrations?: Migration[];
  /**
   * `plan`, `--dry-run`, `status`: open an existing file read-only (a write is then an error, which is
   * how the read-only promise is enforced); a missing file reads as an empty store and creates nothing.
   */
  readOnly?: boolean;
}

export function openDatabase(file: string, opts: OpenOptions = {}): Database.Database {
  if (opts.readOnly) return openReadOnly(file, opts);
  const inMemory = file === ':memory:';
  if (!inMemory) {
    mkdirPrivate(dirname(resolve(file)));
    try {
      touchPrivate(file);
    } catch (err) {
      throw new UserError(`cannot open state file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  let db: Database.Database;
  try {
    db = new Database(file);
  } catch (err) {
    throw new UserError(`cannot open state file ${file}: ${(err as Error).message}`);
  }
  try {
    db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
    if (!inMemory) db.pragma('journal_mode = WAL');
    // NORMAL is durable against process crashes (kill -9) in WAL mode; a power loss may lose the
    // last transactions, which only re-runs idempotent tasks.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, file, opts.migrations);
  } catch (err) {
    db.close();
    if (err instanceof UserError) throw err;
    throw new UserError(`cannot use state file ${file}: ${(err as Error).message}`);
  }
  return db;
}

function openReadOnly(file: string, opts: OpenOptions): Database.Database {
  if (file === ':memory:' || !existsSync(file)) return openDatabase(':memory:', { ...opts, readOnly: false });
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
  } catch (err) {
    throw new UserError(`cannot open state file ${file}: ${(err as Error).message}`);
  }
  const latest = (opts.migrations ?? migrations).at(-1)?.version ?? 0;
  const version = schemaVersion(db);
  if (version !== latest) {
    db.close();
    throw new UserError(`state file ${file} has schema version ${version}, this Boreas reads version ${latest}; run \`boreas reconcile\` once to migrate it`);
  }
  return db;
}
