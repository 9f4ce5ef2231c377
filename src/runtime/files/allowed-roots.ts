// Confines file tasks to directories the operator allowed (`--allowed-root`). Symlinks and `..` are
// resolved first, so neither a crafted path nor a planted symlink can walk out of a root.
import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { UserError } from '../../model/errors.js';

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

function inside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * Returns the real absolute path when it lies inside one of `allowedRoots`; throws a UserError naming
 * the path and the roots otherwise. Relative paths are refused: the caller decides what they are
 * relative to.
 */
export function assertAllowedPath(path: string, allowedRoots: string[]): string {
  if (!isAbsolute(path)) throw new UserError(`path must be absolute: ${path}`);
  const real = realPathOf(path);
  const roots = allowedRoots.map((r) => realPathOf(r));
  if (!roots.some((r) => inside(real, r))) {
    const via = real !== path ? ` (resolves to ${real})` : '';
    throw new UserError(`path ${path}${via} is outside the allowed roots (${allowedRoots.join(', ') || 'none configured'})`);
  }
  return real;
}
