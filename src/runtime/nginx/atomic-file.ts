// Small file helpers for the nginx deploy tasks: every read, write and removal of a site or
// certificate file is confined to the allowed roots (runtime/files/confined.ts), so a symlink
// swapped into the conf or cert dir can neither redirect a write nor leak a file into a restore.
import { readFile } from 'node:fs/promises';

export { readFileBeneath, removeFileBeneath, writeFileBeneath, writeFileAtomic } from '../files/index.js';

/** File content, or undefined when it does not exist (observation only: no write follows it). */
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
