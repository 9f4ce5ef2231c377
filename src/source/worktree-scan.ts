// Walks a working tree and returns every file with its git blob SHA, reading only files whose stat
// is not in the stat cache. A symlink is content only when it resolves inside the repository (and
// not into .git or .boreas): one that leaves it is listed with a `problem` and never read, so a
// pull request cannot make `plan` print /etc/shadow or a CI token from .git/config.
import { closeSync, openSync, readSync, type Stats, statSync } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { gitBlobSha } from './git-object-hash.js';
import type { ListedFile } from './source.js';
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
  /** Why this file must not be read (a symlink leaving the repository); its blobSha is then a placeholder. */
  problem?: string;
  /** For a symlink inside the repository: the real path its content is read from. */
  target?: string;
}

/** Seams for tests (count reads). */
export interface ScanIo {
  readFile(path: string): Promise<Buffer>;
}

const defaultIo: ScanIo = { readFile: (p) => readFile(p) };

/** Where a symlink at `absPath` may lead: undefined when inside `repoRoot`, else the reason it is refused. */
export async function symlinkProblem(absPath: string, repoRoot: string): Promise<{ problem?: string; target?: string } | undefined> {
  const target = await realpath(absPath).catch(() => undefined);
  if (target === undefined) return undefined; // dangling: nothing to read, not listed
  const rel = relative(repoRoot, target);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return { problem: 'symlink to a path outside the repository' };
  const skipped = rel.split(sep).find((part) => SKIPPED_DIRS.has(part));
  if (skipped) return { problem: `symlink into ${skipped}/, which is not repository content` };
  return { target };
}

/**
 * Lists `dir` recursively (sorted by path). Symlinks to files are followed (the manifest is the
 * content) when they resolve inside `repoRoot` (a real path); others are listed with a problem and
 * never read. Symlinks to directories are skipped so a link cycle cannot loop. With `listing` (a
 * symlink-free walk the caller just made, with stats), those files are taken instead of walking.
 */
export async function scanWorktree(dir: string, cacheDir: string, io: ScanIo = defaultIo, repoRoot = dir, listing?: ListedFile[]): Promise<ScannedFile[]> {
  const startedMs = Date.now();
  const cache = await StatCache.load(cacheDir, dir);
  const files: ScannedFile[] = [];
  // The file as stat saw it: its blob SHA from the stat cache, else read and hashed.
  const add = async (relPath: string, absPath: string, st: Omit<ListedFile, 'path'>, target?: string) => {
    const sig = { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino };
    let blobSha = cache.lookup(relPath, sig);
    let content: Buffer | undefined;
    if (!blobSha) {
      content = io === defaultIo ? readStated(absPath, st.size) : await io.readFile(absPath);
      blobSha = gitBlobSha(content);
      cache.remember(relPath, { ...sig, blobSha });
    }
    files.push({ path: relPath, blobSha, executable: (st.mode & 0o100) !== 0, ...(content ? { content } : {}), ...(target ? { target } : {}) });
  };
  if (listing) {
    // Regular files only (the caller's walk refused symlinks), stated moments ago.
    for (const f of listing) await add(f.path, join(dir, f.path), f);
  } else {
    const candidates = await walk(dir);
    // Bounded: thousands of stats/reads in flight at once only queue in libuv and inflate memory.
    await pool(candidates, async ({ path: relPath, link }) => {
      let absPath = join(dir, relPath);
      let target: string | undefined;
      if (link) {
        const checked = await symlinkProblem(absPath, repoRoot);
        if (!checked) return;
        if (checked.problem) {
          const st = await stat(absPath).catch(() => undefined);
          if (st?.isFile())
            files.push({ path: relPath, blobSha: gitBlobSha(Buffer.from(`boreas-refused-symlink\0${relPath}`)), executable: false, problem: checked.problem });
          return;
        }
        // Read what was checked (the resolved path), not the link, which could be re-pointed meanwhile.
        absPath = target = checked.target!;
      }
      // Synchronous stat and read: for thousands of small files the per-call cost of the promise API
      // (a file handle, fstat, read and close through the thread pool) is most of the cold load.
      const st = statOrUndefined(absPath); // dangling link, raced delete
      if (st?.isFile()) await add(relPath, absPath, st, target);
    });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  await cache.save(new Set(files.filter((f) => !f.problem).map((f) => f.path)), startedMs);
  return files;
}

/** A file whose size a stat just gave: read in one buffer without another fstat (readFileSync's),
 *  which adds up over thousands of files. Exactly the stated bytes are taken, the file as the stat
 *  saw it (an append since then shows in its next stat, so the stat cache and validate's stored
 *  outcome read it again); one that shrank is taken as it is. */
function readStated(path: string, size: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(size);
    let n = 0;
    for (let r = 1; r > 0 && n < size; n += r) r = readSync(fd, buf, n, size - n, null);
    return n < size ? buf.subarray(0, n) : buf;
  } finally {
    closeSync(fd);
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Relative paths of files and symlinks below `dir`, not descending into SKIPPED_DIRS. */
async function walk(dir: string): Promise<Array<{ path: string; link: boolean }>> {
  const out: Array<{ path: string; link: boolean }> = [];
  async function visit(rel: string): Promise<void> {
    const entries = await readdir(rel ? join(dir, rel) : dir, { withFileTypes: true });
    const subdirs: Promise<void>[] = [];
    for (const e of entries) {
      const relPath = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name)) subdirs.push(visit(relPath));
      } else if (e.isFile() || e.isSymbolicLink()) {
        out.push({ path: relPath, link: e.isSymbolicLink() }); // sockets and fifos are not content
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
