// Files only the user running Boreas may read: everything under `.boreas/` (state, WAL, caches, keys,
// locks, the API token) is created 0600 in 0700 directories, whatever the umask, because caches hold
// parsed repository content and the state dir holds keys. Existing directories are not re-moded
// (`--state /tmp/x.db` must not chmod /tmp); the files written here always are 0600.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { attachPath } from '../model/faults.js';
import { makeDirs, makeDirsAsync } from './make-dirs.js';

/** mkdir -p with 0700 for every directory it creates. */
export function mkdirPrivate(dir: string): void {
  makeDirs(dir, 0o700);
}

/** Async mkdir -p with 0700 for every directory it creates. */
export async function mkdirPrivateAsync(dir: string): Promise<void> {
  await makeDirsAsync(dir, 0o700);
}

function tmpName(path: string): string {
  return `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

/** Writes `path` 0600 through a temp file and a rename (readers see the old or the new content). */
export function writeFilePrivate(path: string, data: string | NodeJS.ArrayBufferView): void {
  const tmp = tmpName(path);
  try {
    writeFileSync(tmp, data, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw attachPath(err, path); // a full disk names the file being written, not its temp name
  }
}

/** Async writeFilePrivate. */
export async function writeFilePrivateAsync(path: string, data: string | NodeJS.ArrayBufferView): Promise<void> {
  const tmp = tmpName(path);
  try {
    await writeFile(tmp, data, { mode: 0o600, flag: 'wx' });
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw attachPath(err, path);
  }
}

/** Creates `path` empty with 0600 when it does not exist, so whoever creates it next (SQLite) keeps that mode. */
export function touchPrivate(path: string): void {
  closeSync(openSync(path, 'a', 0o600));
}
