// Atomic file writes: readers (the app reloading its config, nginx, a crashed CLI's rerun) see the old
// file or the new one, never a half-written one.
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { makeDirsAsync } from '../../util/make-dirs.js';
import { basename, dirname, join } from 'node:path';
import { attachPath } from '../../model/faults.js';

/** Parses an octal mode string ("0640", "640") or passes a number through. */
export function parseMode(mode: string | number | undefined, fallback = 0o644): number {
  if (mode === undefined || mode === '') return fallback;
  if (typeof mode === 'number') return mode;
  if (!/^0?[0-7]{3,4}$/.test(mode)) throw new Error(`invalid file mode "${mode}" (expected octal like "0640")`);
  return parseInt(mode, 8);
}

/**
 * Writes `content` to `path` via a temp file in the same directory (same filesystem, so rename is
 * atomic), fsyncs it, applies `mode` exactly (not masked by umask) and renames it into place.
 * Parent directories are created.
 */
export async function writeFileAtomic(path: string, content: string | Buffer, mode: string | number = 0o644): Promise<void> {
  const fileMode = parseMode(mode);
  try {
    await writeThroughTemp(path, content, fileMode);
  } catch (err) {
    throw attachPath(err, path); // a full disk names the file being written, not its temp name
  }
}

async function writeThroughTemp(path: string, content: string | Buffer, fileMode: number): Promise<void> {
  const dir = dirname(path);
  await makeDirsAsync(dir); // not mkdir's recursive mode: it spins forever under /proc or /sys
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', fileMode);
  try {
    await fh.writeFile(content);
    await fh.chmod(fileMode);
    await fh.sync();
  } catch (err) {
    await fh.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  // fsync the directory so the rename itself survives a crash.
  const dh = await open(dir, 'r').catch(() => undefined);
  if (dh)
    await dh
      .sync()
      .catch(() => undefined)
      .finally(() => dh.close());
}
