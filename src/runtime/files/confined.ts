// File operations confined to allowed roots, for everything the agent writes on behalf of the
// controller (config files, nginx sites, certificates, challenge files, unit files). Each one
// resolves the path with resolveBeneath and then acts inside the directory fd it returned: the
// temp file is created there (O_EXCL|O_NOFOLLOW), its real path is checked before the rename, and
// the rename and unlink name entries of that same directory. A symlink planted or swapped in at any
// moment can make an operation fail, never make it land outside the root.
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import {
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fstatSync,
  fsync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { UserError } from '../../model/errors.js';
import { parseMode } from './atomic.js';
import { at, type Beneath, fdPath, resolveBeneath } from './beneath.js';

const fsyncAsync = promisify(fsync);

/** Directories created on the way to a confined file: traversable by nginx workers and apps. */
const defaultDirMode = 0o755;

/** Content and permission bits of a file read beneath a root. */
export interface ConfinedRead {
  content: Buffer;
  mode: number;
}

/** Opens `name` in directory `dirFd` for reading without following a symlink; undefined when absent. */
function openFileIn(dirFd: number, name: string, path: string): number | undefined {
  let fd: number;
  try {
    fd = openSync(at(dirFd, name), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw new UserError(`path ${path} was replaced by a symlink while being read`);
    throw err;
  }
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new UserError(`path ${path} is not a regular file`);
  }
  return fd;
}

/** Reads a file beneath one of `roots` (no symlink followed out of it); undefined when it does not exist. */
export function readFileBeneath(path: string, roots: string[]): ConfinedRead | undefined {
  const b = resolveBeneath(path, roots);
  if (b.dirFd === undefined) return undefined;
  try {
    const fd = openFileIn(b.dirFd, b.name, path);
    if (fd === undefined) return undefined;
    try {
      return { content: readFileSync(fd), mode: fstatSync(fd).mode & 0o7777 };
    } finally {
      closeSync(fd);
    }
  } finally {
    closeSync(b.dirFd);
  }
}

/**
 * Writes `content` atomically to `path` beneath one of `roots`, creating parent directories: temp
 * file in the already-opened parent, exact mode, fsync, real-path check, rename, directory fsync.
 * Returns the real path written. Only the two fsyncs go through the thread pool (they wait for the
 * disk, and several tasks' fsyncs overlap there); the rest are synchronous calls on purpose: a config
 * file is small, and a thread-pool round trip per call cost more than the calls themselves when a
 * run writes hundreds of files (issue 12, hosts).
 */
export async function writeFileBeneath(
  path: string,
  roots: string[],
  content: string | Buffer,
  mode: string | number = 0o644,
  opts: { dirMode?: number } = {},
): Promise<string> {
  const b = resolveBeneath(path, roots, { createDirs: opts.dirMode ?? defaultDirMode });
  try {
    await writeIn(b, path, content, parseMode(mode));
    return b.real;
  } finally {
    closeSync(b.dirFd!);
  }
}

/** What ensureFileBeneath found before it acted. */
export type EnsuredFile = { real: string; found: 'absent' | 'same' | 'different' };

/**
 * Makes `path` beneath one of `roots` hold `content` with `mode`: what is there is read and compared
 * first, and written (as writeFileBeneath does) only when content or mode differ. The path is
 * resolved once and the read, the temp file and the rename all happen in that one opened directory:
 * a file task resolves its path once instead of once to read and again to write (issue 12, hosts).
 */
export async function ensureFileBeneath(path: string, roots: string[], content: string | Buffer, mode: number): Promise<EnsuredFile> {
  // Creating missing directories on the way cannot act on a path refused later: every existing
  // component (a symlink out of the root among them) is checked before the first one is created.
  const b = resolveBeneath(path, roots, { createDirs: defaultDirMode });
  try {
    const fd = openFileIn(b.dirFd!, b.name, path);
    let found: EnsuredFile['found'] = 'absent';
    if (fd !== undefined) {
      try {
        const same = (fstatSync(fd).mode & 0o7777) === mode && readFileSync(fd).equals(typeof content === 'string' ? Buffer.from(content) : content);
        found = same ? 'same' : 'different';
      } finally {
        closeSync(fd);
      }
    }
    if (found !== 'same') await writeIn(b, path, content, mode);
    return { real: b.real, found };
  } finally {
    closeSync(b.dirFd!);
  }
}

/** The temp-file-and-rename write inside the directory `b` holds open (which the caller closes). */
async function writeIn(b: Beneath, path: string, content: string | Buffer, fileMode: number): Promise<void> {
  const dirFd = b.dirFd!;
  const tmp = `.${b.name}.${randomBytes(6).toString('hex')}.tmp`;
  let created = false;
  try {
    const fd = openSync(at(dirFd, tmp), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, fileMode);
    created = true;
    try {
      writeFileSync(fd, content);
      fchmodSync(fd, fileMode);
      await fsyncAsync(fd);
      // The directory was inside the root when it was opened; make sure it still is (not moved away).
      const where = fdPath(fd);
      const expected = join(b.real, '..', tmp);
      if (where !== expected) throw new UserError(`path ${path}: its directory moved while writing (now ${where}); nothing written`);
    } finally {
      closeSync(fd);
    }
    renameSync(at(dirFd, tmp), at(dirFd, b.name));
    created = false;
    // Some file systems cannot fsync a directory; the rename itself is done.
    await fsyncAsync(dirFd).catch(() => undefined);
  } catch (err) {
    // The opened directory was deleted under us (it can only have been inside the root).
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(`path ${path}: its directory was removed while writing; nothing written`);
    throw err;
  } finally {
    if (created) {
      try {
        unlinkSync(at(dirFd, tmp));
      } catch {
        // already gone
      }
    }
  }
}

/** Removes a file beneath one of `roots` (a symlink there is removed itself, never followed); true when something was removed. */
export function removeFileBeneath(path: string, roots: string[]): boolean {
  const b = resolveBeneath(path, roots);
  if (b.dirFd === undefined) return false;
  try {
    unlinkSync(at(b.dirFd, b.name));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  } finally {
    closeSync(b.dirFd);
  }
}

/** Creates a directory (and its parents) beneath one of `roots`; returns its real path. */
export function mkdirBeneath(path: string, roots: string[], mode = defaultDirMode): string {
  const b = resolveBeneath(path, roots, { createDirs: mode });
  try {
    mkdirSync(at(b.dirFd!, b.name), mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const fd = openSync(at(b.dirFd!, b.name), constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
    closeSync(fd);
  } finally {
    closeSync(b.dirFd!);
  }
  return b.real;
}

/**
 * Sets owner and/or group of a file beneath one of `roots`, through an fd opened without following
 * symlinks. Numeric ids are applied directly; names go through chown(1) (Node has no getpwnam),
 * given this process's `/proc/<pid>/fd/<fd>` so it changes exactly the file that was opened.
 */
export async function chownBeneath(path: string, roots: string[], owner?: string, group?: string): Promise<void> {
  const b = resolveBeneath(path, roots);
  if (b.dirFd === undefined) throw new UserError(`path ${path} does not exist`);
  let fd: number | undefined;
  try {
    fd = openFileIn(b.dirFd, b.name, path);
    if (fd === undefined) throw new UserError(`path ${path} does not exist`);
    if ((!owner || /^\d+$/.test(owner)) && (!group || /^\d+$/.test(group))) {
      fchownSync(fd, owner ? Number(owner) : -1, group ? Number(group) : -1);
      return;
    }
    const spec = `${owner ?? ''}${group ? ':' + group : ''}`;
    const target = `/proc/${process.pid}/fd/${fd}`;
    await new Promise<void>((resolve, reject) => {
      const child = spawn('chown', ['--', spec, target], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`chown ${spec} ${path}: ${err.trim().replace(target, path)}`))));
    });
  } finally {
    if (fd !== undefined) closeSync(fd);
    closeSync(b.dirFd);
  }
}
