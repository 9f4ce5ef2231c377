// Small file helpers for the nginx deploy tasks; atomic writes are the shared runtime/files ones.
import { readFile } from 'node:fs/promises';

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

export { sha256 as sha256Hex } from '../../util/hash.js';

/** Refuses paths outside the agent's allowed roots, symlinks and `..` resolved (the shared check). */
export { assertAllowedPath as assertAllowed } from '../files/allowed-roots.js';
