// Small file helpers for the nginx deploy tasks; atomic writes are the shared runtime/files ones.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve, sep } from 'node:path';

export { writeFileAtomic } from '../files/atomic.js';

/** File content, or undefined when it does not exist. */
export async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Refuses paths outside the agent's allowed roots (design.md §9: file tasks confined to roots). */
export function assertAllowed(path: string, allowedRoots: string[]): string {
  if (!isAbsolute(path)) throw new Error(`path must be absolute: ${path}`);
  const abs = resolve(path); // resolves `..`, so the prefix check below cannot be walked around
  const ok = allowedRoots.some((root) => {
    const r = resolve(root);
    return abs === r || abs.startsWith(r.endsWith(sep) ? r : r + sep);
  });
  if (!ok) throw new Error(`path ${path} is outside the allowed roots (${allowedRoots.join(', ') || 'none'})`);
  return abs;
}
