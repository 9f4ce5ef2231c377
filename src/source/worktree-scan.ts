// Walks a working tree and returns every file with its git blob SHA, reading only files whose stat
// is not in the stat cache.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gitBlobSha } from './git-object-hash.js';
import { StatCache } from './stat-cache.js';

/** Directories never listed: git metadata, dependencies, and Boreas' own state. */
export const SKIPPED_DIRS = new Set(['.git', 'node_modules', '.boreas']);

/** A working-tree file: path relative to the scanned dir, blob SHA and executable bit. */
export interface ScannedFile {
  path: string;
  blobSha: string;
  executable: boolean;
  /** The bytes, when the scan had to read them to hash (stat-cache miss): readers need not read again. */
  content?: Buffer;
}

/** Seams for tests (count reads). */
export interface ScanIo {
  readFile(path: string): Promise<Buffer>;
}

const defaultIo: ScanIo = { readFile: (p) => readFile(p) };

/**
 * Lists `dir` recursively (sorted by path). Symlinks to files are followed (the manifest is the
 * content); symlinks to directories are skipped so a link cycle cannot loop.
 */
export async function scanWorktree(dir: string, cacheDir: string, io: ScanIo = defaultIo): Promise<ScannedFile[]> {
  const startedMs = Date.now();
  const cache = await StatCache.load(cacheDir, dir);
  const candidates = await walk(dir);
  const files: ScannedFile[] = [];
  // Bounded: thousands of stats/reads in flight at once only queue in libuv and inflate memory.
  await pool(candidates, async (relPath) => {
    const absPath = join(dir, relPath);
    const st = await stat(absPath).catch(() => undefined); // dangling link, raced delete
    if (!st?.isFile()) return;
    const sig = { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino };
    let blobSha = cache.lookup(relPath, sig);
    let content: Buffer | undefined;
    if (!blobSha) {
      content = await io.readFile(absPath);
      blobSha = gitBlobSha(content);
      cache.remember(relPath, { ...sig, blobSha });
    }
    files.push({ path: relPath, blobSha, executable: (st.mode & 0o100) !== 0, ...(content ? { content } : {}) });
  });
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  await cache.save(new Set(files.map((f) => f.path)), startedMs);
  return files;
}

/** Relative paths of files and symlinks below `dir`, not descending into SKIPPED_DIRS. */
async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function visit(rel: string): Promise<void> {
    const entries = await readdir(rel ? join(dir, rel) : dir, { withFileTypes: true });
    const subdirs: Promise<void>[] = [];
    for (const e of entries) {
      const relPath = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name)) subdirs.push(visit(relPath));
      } else if (e.isFile() || e.isSymbolicLink()) {
        out.push(relPath); // sockets and fifos are not content
      }
    }
    await Promise.all(subdirs);
  }
  await visit('');
  return out;
}

async function pool<T>(items: T[], fn: (item: T) => Promise<void>, concurrency = 32): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
