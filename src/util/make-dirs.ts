// mkdir -p for paths users give (--state, --work-dir, `init <dir>`), walked one mkdir per missing
// directory rather than with Node's `{recursive: true}`: that spins at 100% CPU forever, deaf to
// SIGINT and SIGTERM, when a directory that exists answers ENOENT for a new child, as /proc and /sys
// do (`--state /proc/x/state.db` hung `reconcile`). A failure is one line naming the directory.
import { mkdirSync, statSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { EnvironmentFault } from '../model/errors.js';
import { attachPath } from '../model/faults.js';

/** Whether `p` is there, whatever it is; a path that cannot be stat'ed (ENOTDIR, EACCES) counts as there, so its mkdir reports why. */
function present(p: string): boolean {
  try {
    return statSync(p, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return true;
  }
}

/** The missing directories of `dir`, outermost first (stops at the first path that is there, whatever it is). */
function missingDirs(dir: string): string[] {
  const missing: string[] = [];
  for (let cur = resolve(dir); !present(cur); cur = dirname(cur)) {
    missing.unshift(cur);
    if (dirname(cur) === cur) break;
  }
  return missing;
}

/** The error for a failed mkdir of `path`: one clear line for what `environmentFault` does not know. */
function mkdirFailure(err: unknown, path: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT')
    return new EnvironmentFault(`${path}: cannot create a directory there (ENOENT): ${dirname(path)} takes no new directories; use another path`);
  if (code === 'ENOTDIR' || code === 'EEXIST') return new EnvironmentFault(`${path}: not a directory (${code}): a file is in the way; use another path`);
  return attachPath(err, path);
}

/** What mkdir -p ends with: `dir` is a directory (it was there, or was just made), else the reason. */
function assertDirectory(dir: string): void {
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (err) {
    throw mkdirFailure(err, resolve(dir));
  }
  if (!isDir) throw mkdirFailure(Object.assign(new Error('not a directory'), { code: 'ENOTDIR' }), resolve(dir));
}

/** mkdir -p: `dir` and its missing parents, each made with `mode` (less the umask). */
export function makeDirs(dir: string, mode = 0o777): void {
  for (const d of missingDirs(dir)) {
    try {
      mkdirSync(d, { mode });
    } catch (err) {
      // Created meanwhile by someone else: fine when it is a directory.
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && statSync(d).isDirectory()) continue;
      throw mkdirFailure(err, d);
    }
  }
  assertDirectory(dir);
}

/** Async makeDirs. */
export async function makeDirsAsync(dir: string, mode = 0o777): Promise<void> {
  // The walk up is a few stat calls and synchronous; the mkdirs are awaited.
  for (const d of missingDirs(dir)) {
    try {
      await mkdir(d, { mode });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && (await stat(d)).isDirectory()) continue;
      throw mkdirFailure(err, d);
    }
  }
  assertDirectory(dir);
}
