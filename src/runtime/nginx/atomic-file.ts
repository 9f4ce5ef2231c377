// Small file helpers for the nginx deploy tasks. A local atomic write (temp file in the same
// directory, fsync, rename) because src/runtime/files did not exist when this was written; switch to
// the shared writeFileAtomic once it lands.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';

/** Writes `content` to `path` so readers see the old or the new file, never a partial one. */
export async function writeFileAtomic(path: string, content: string | Buffer, mode = 0o644): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'w', mode);
  try {
    await fh.writeFile(content);
    await fh.chmod(mode); // open() mode is masked by umask; the key must be exactly 0600
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

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
