// What a config file looks like on disk, compared by content hash (cheap enough for every observe,
// exact enough to catch a hand edit).
import { fstatSync, openSync, readFileSync, closeSync } from 'node:fs';
import { sha256 } from '../../util/hash.js';
import { parseMode } from './atomic.js';

export interface FileObservation {
  exists: boolean;
  /** sha256 of the bytes on disk. */
  contentHash?: string;
  /** Permission bits on disk. */
  mode?: number;
  /** Why disk differs from the desired content/mode; empty when in sync. */
  drift: string[];
}

/** sha256 of a file's content, or undefined when it does not exist. */
export async function fileContentHash(path: string): Promise<string | undefined> {
  return readWithMode(path)?.hash;
}

/** Hash and mode from one open file (sync: config files are small, and this runs per resource per observe); undefined when absent. */
export function readWithMode(path: string): { hash: string; mode: number } | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return { hash: sha256(readFileSync(fd)), mode: fstatSync(fd).mode & 0o7777 };
  } finally {
    closeSync(fd);
  }
}

/** Compares the file at `path` with the desired content and mode. */
export async function observeFile(path: string, desired: { content: string; mode?: string }): Promise<FileObservation> {
  const read = readWithMode(path);
  if (read === undefined) return { exists: false, drift: [`${path} is missing`] };
  const { hash: contentHash, mode } = read;
  const drift: string[] = [];
  if (contentHash !== sha256(desired.content)) drift.push(`${path} was edited on disk`);
  const want = parseMode(desired.mode);
  if (mode !== want) drift.push(`${path} has mode ${mode.toString(8).padStart(4, '0')}, want ${want.toString(8).padStart(4, '0')}`);
  return { exists: true, contentHash, mode, drift };
}
