// Confines file tasks to directories the operator allowed (`--allowed-root`). `..` is resolved
// lexically and symlinks component by component (beneath.ts), so neither a crafted path nor a
// planted symlink can walk out of a root. This is the up-front check (all paths of a task are
// checked before anything is written); the write itself resolves again (confined.ts), race-free.
import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { checkBeneath } from './beneath.js';

/** The real path of `path`, resolving symlinks of the longest existing ancestor (the file may not exist yet). */
export function realPathOf(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync(abs);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const parent = dirname(abs);
    if (parent === abs) return abs;
    return join(realPathOf(parent), basename(abs));
  }
}

/**
 * Returns the real absolute path when it lies inside one of `allowedRoots`; throws a UserError naming
 * the path and the roots otherwise. Relative paths are refused: the caller decides what they are
 * relative to.
 */
export function assertAllowedPath(path: string, allowedRoots: string[]): string {
  return checkBeneath(path, allowedRoots);
}
