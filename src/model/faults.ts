// The one place that decides whether a raw error is the machine's fault (a full disk, a permission, a
// read-only file system, a damaged state file) rather than a bug: the CLI prints such a fault as one
// line naming the file and what to do, and `boreas down` falls back to the per-instance records.
// Anything not classified here stays an error the caller reports (an "internal error" is a bug).
import { EnvironmentFault, StateFileUnusable } from './errors.js';

interface ErrnoLike {
  code?: unknown;
  path?: unknown;
  syscall?: unknown;
  message?: unknown;
}

/** errno code → what happened, and what the user does about it. */
const errnoFaults: Record<string, { what: string; todo: string }> = {
  ENOSPC: { what: 'no space left on device', todo: 'free space there and run again' },
  EDQUOT: { what: 'disk quota exceeded', todo: 'free space or raise the quota, then run again' },
  EACCES: { what: 'permission denied', todo: 'fix its permissions or run as a user who may use it' },
  EPERM: { what: 'operation not permitted', todo: 'fix its permissions or attributes, or run as a user who may use it' },
  EROFS: { what: 'read-only file system', todo: 'use a writable location (for the state: --state <file>)' },
  EIO: { what: 'input/output error', todo: 'check the disk, then run again' },
  EMFILE: { what: 'too many open files', todo: 'raise the open-file limit (ulimit -n) and run again' },
  ENFILE: { what: 'too many open files on the system', todo: 'close files elsewhere or raise fs.file-max' },
  // A path the user gave runs through a file (`--state some-file/state.db`) or names a directory.
  ENOTDIR: { what: 'a part of the path is not a directory', todo: 'use another path' },
  EISDIR: { what: 'a directory, not a file', todo: 'name a file' },
};

export interface FaultContext {
  /** The state file of the command, named for SQLite errors (they carry no path). */
  stateFile?: string;
}

/**
 * The EnvironmentFault an error stands for, or undefined when it is not one. Node's errno errors
 * (fs, mkdir, open, rename) and better-sqlite3's SqliteError codes are recognised by their `code`.
 */
export function environmentFault(err: unknown, ctx: FaultContext = {}): EnvironmentFault | undefined {
  if (err instanceof EnvironmentFault) return err;
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as ErrnoLike;
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (!code) return undefined;
  const known = errnoFaults[code];
  if (known) {
    const where = typeof e.path === 'string' ? e.path : typeof e.syscall === 'string' ? e.syscall : 'a file';
    return new EnvironmentFault(`${where}: ${known.what} (${code}); ${known.todo}`);
  }
  if (code.startsWith('SQLITE_')) return sqliteFault(code, String(e.message ?? code), ctx.stateFile ?? 'the state file');
  return undefined;
}

/** SQLite result codes that mean the disk or the file, never a wrong statement (those stay bugs). */
function sqliteFault(code: string, message: string, file: string): EnvironmentFault | undefined {
  if (code === 'SQLITE_FULL') return new EnvironmentFault(`${file}: no space left on device (${code}); free space there and run again`);
  // SQLite sizes a WAL database's -shm file on open; on a full disk that is the first write to fail.
  if (code === 'SQLITE_IOERR_SHMSIZE') return new EnvironmentFault(`${file}: no space for its shared-memory file (${code}); free space there and run again`);
  if (code.startsWith('SQLITE_IOERR')) return new EnvironmentFault(`${file}: input/output error (${code}); check the disk and free space, then run again`);
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM')
    return new EnvironmentFault(`${file}: cannot open it (${code}); check that its directory exists and is writable`);
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return new StateFileUnusable(file, message);
  return undefined;
}

/**
 * Names the file an errno error was about. A write on a file descriptor reports no path, and a write
 * through a temporary file reports the temporary name; the helpers that write files call this with
 * the path the user knows, so the fault line names it.
 */
export function attachPath(err: unknown, path: string): unknown {
  if (typeof err === 'object' && err !== null && typeof (err as ErrnoLike).code === 'string') (err as ErrnoLike).path = path;
  return err;
}
