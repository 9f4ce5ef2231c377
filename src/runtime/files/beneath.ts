// Path resolution that cannot be raced out of an allowed root. A check-then-act (realpath, then
// open the path) loses to anyone who can swap a directory for a symlink between the two steps, so
// here every component is opened relative to the directory fd opened before it, with O_NOFOLLOW,
// through `/proc/self/fd/<fd>/<name>` (Node has no openat). A symlink met on the way is resolved by
// this code, never by the kernel: its target must lie inside the same root, and the walk restarts
// from the root with it. What the caller gets is an open fd of the parent directory, so the final
// create/rename/unlink happens in exactly the directory that was checked. Linux only (/proc).
import { type Stats, closeSync, constants, existsSync, lstatSync, mkdirSync, openSync, readlinkSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UserError } from '../../model/errors.js';

const dirFlags = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
/** The kernel's own limit on symlinks followed while resolving one path. */
const maxSymlinks = 40;

/** A path resolved beneath one root, its parent directory held open. */
export interface Beneath {
  /** fd of the parent directory; undefined when it does not exist (and creating was not asked). Close it. */
  dirFd: number | undefined;
  /** The final component (a file name, never `.` or `..`). */
  name: string;
  /** Real absolute path: the root's real path plus the components, symlinks resolved. */
  real: string;
  /** Real path of the root it lies under. */
  root: string;
}

export interface BeneathOptions {
  /** Create missing directories (and a missing root) with this mode; default: do not create. */
  createDirs?: number;
}

/** `/proc/self/fd/<fd>/<name>`: `name` looked up inside the directory `fd` refers to, whatever its path now. */
export function at(fd: number, name: string): string {
  return `/proc/self/fd/${fd}/${name}`;
}

function inside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

function outside(original: string, resolved: string, roots: string[]): UserError {
  const via = resolved !== original ? ` (resolves to ${resolved})` : '';
  return new UserError(`path ${original}${via} is outside the allowed roots (${roots.join(', ') || 'none configured'})`);
}

/** The root `abs` lies under (lexically, as given or as its real path) and the components below it. */
function pickRoot(abs: string, roots: string[]): { root: string; parts: string[] } | undefined {
  for (const r of roots) {
    const given = resolve(r);
    const real = realOrGiven(given);
    for (const base of [given, real]) {
      if (!inside(abs, base)) continue;
      return { root: real, parts: relative(base, abs).split(sep).filter(Boolean) };
    }
  }
  return undefined;
}

/** The root's real path (one realpath(3) call, not a walk in JS); as given when it cannot be resolved (not there yet). */
function realOrGiven(given: string): string {
  try {
    return realpathSync.native(given);
  } catch {
    return given;
  }
}

function openDir(path: string): number {
  return openSync(path, constants.O_RDONLY | constants.O_DIRECTORY);
}

/**
 * Resolves `path` beneath one of `roots` and opens its parent directory. Throws a UserError naming
 * the path when it (or a symlink on the way, the last component included) leads outside the roots.
 */
export function resolveBeneath(path: string, roots: string[], opts: BeneathOptions = {}): Beneath {
  if (!isAbsolute(path)) throw new UserError(`path must be absolute: ${path}`);
  const abs = resolve(path);
  const picked = pickRoot(abs, roots);
  if (!picked) throw outside(path, abs, roots);
  if (picked.parts.length === 0) throw new UserError(`path ${path} is an allowed root itself, not a file in one`);
  const root = picked.root;
  if (opts.createDirs !== undefined && !existsSync(root)) mkdirSync(root, { recursive: true, mode: opts.createDirs });
  let todo = picked.parts;
  let hops = 0;
  for (;;) {
    const name = todo[todo.length - 1];
    const walked = walk(root, todo.slice(0, -1), name, opts);
    const real = join(root, ...walked.parts, name);
    const link = walked.fd === undefined ? undefined : symlinkTarget(walked.fd, name);
    if (link === undefined) return { dirFd: walked.fd, name, real, root };
    closeSync(walked.fd!);
    if (++hops > maxSymlinks) throw new UserError(`path ${path}: too many levels of symbolic links (or it keeps changing)`);
    if (link === changed) continue;
    const target = isAbsolute(link) ? resolve(link) : resolve(root, ...walked.parts, link);
    if (!inside(target, root) || target === root) throw outside(path, target, roots);
    todo = relative(root, target).split(sep).filter(Boolean);
  }

  /** Opens `parts` one by one below the root; restarts at the root with the target of a symlink. */
  function walk(rootDir: string, parts: string[], name: string, o: BeneathOptions): { fd: number | undefined; parts: string[] } {
    let fd: number;
    try {
      fd = openDir(rootDir);
    } catch (err) {
      // A root that does not exist yet holds nothing (a check); creating made it exist already.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && o.createDirs === undefined) return { fd: undefined, parts };
      throw err;
    }
    let done: string[] = [];
    let rest = [...parts];
    let hopsHere = 0;
    try {
      while (rest.length) {
        const c = rest[0];
        let next: number | undefined;
        try {
          next = openSync(at(fd, c), dirFlags);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') {
            if (o.createDirs === undefined) {
              closeSync(fd);
              return { fd: undefined, parts: [...done, ...rest] };
            }
            if (++hopsHere > maxSymlinks) throw new UserError(`path ${path}: ${join(root, ...done, c)} keeps disappearing`);
            try {
              mkdirSync(at(fd, c), o.createDirs);
            } catch (e) {
              if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
            }
            continue; // open what is there now (ours, or whatever won the race: checked again)
          }
          if (code !== 'ELOOP' && code !== 'ENOTDIR') throw err;
          const link = symlinkTarget(fd, c);
          if (++hopsHere > maxSymlinks) throw new UserError(`path ${path}: too many levels of symbolic links (or it keeps changing)`);
          if (link === changed) continue;
          if (link === undefined) {
            // Gone or replaced since the open failed: look again; a non-directory that stays is an error.
            if (lstatOrUndefined(at(fd, c))?.isDirectory() !== false) continue;
            throw new UserError(`path ${path}: ${join(root, ...done, c)} is not a directory`);
          }
          const target = isAbsolute(link) ? resolve(link) : resolve(root, ...done, link);
          if (!inside(target, root)) throw outside(path, resolve(target, ...rest.slice(1), name), roots);
          closeSync(fd);
          fd = openDir(rootDir);
          rest = [...relative(root, target).split(sep).filter(Boolean), ...rest.slice(1)];
          done = [];
          continue;
        }
        closeSync(fd);
        fd = next;
        done.push(c);
        rest.shift();
      }
      return { fd, parts: done };
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }
}

/** lstat, or undefined when the entry does not exist. */
function lstatOrUndefined(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Marks an entry that changed between lstat and readlink: look at it again. */
const changed = Symbol('changed');

/** The target of `name` in directory `fd` when it is a symlink, else undefined (missing included). */
function symlinkTarget(fd: number, name: string): string | undefined | typeof changed {
  if (!lstatOrUndefined(at(fd, name))?.isSymbolicLink()) return undefined;
  try {
    return readlinkSync(at(fd, name));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EINVAL') return changed;
    throw err;
  }
}

/**
 * The real path of `path` when it lies beneath one of `roots` (symlinks inside the root resolved;
 * the file and its parents need not exist); throws a UserError naming the path otherwise.
 * A check only: whoever then acts on the path must resolve it again with resolveBeneath.
 */
export function checkBeneath(path: string, roots: string[]): string {
  const b = resolveBeneath(path, roots);
  if (b.dirFd !== undefined) closeSync(b.dirFd);
  return b.real;
}

/** The path the kernel reports for an open fd: where that file really is right now. */
export function fdPath(fd: number): string {
  return readlinkSync(`/proc/self/fd/${fd}`);
}
