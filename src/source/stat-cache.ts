// A persistent (path, size, mtime, ctime, inode) → blob SHA cache for working-tree files, the same
// idea as git's index: a warm run stats every file but reads only those whose stat changed.
import { readFile } from 'node:fs/promises';
import { mkdirPrivateAsync, writeFilePrivateAsync } from '../util/private-files.js';
import { dirname, join } from 'node:path';
import { sha256 } from '../util/hash.js';

/** What we remember about one file: its stat signature and the blob SHA computed from its content. */
export interface StatEntry {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  blobSha: string;
}

type Row = [size: number, mtimeMs: number, ctimeMs: number, ino: number, blobSha: string];

const FORMAT = 1;

/**
 * A file written within this many ms before the scan may change again within the filesystem's
 * timestamp granularity without its stat changing ("racy git"); such entries are not persisted,
 * so the next run hashes them again.
 */
export const RACY_WINDOW_MS = 2000;

/** Cache for one directory; load() once, lookup()/remember() per file, save() at the end. */
export class StatCache {
  private entries = new Map<string, StatEntry>();
  private dirty = false;

  private constructor(private readonly file: string) {}

  /** Opens the cache of `dir` stored under `cacheDir` (a missing or corrupt file is an empty cache). */
  static async load(cacheDir: string, dir: string): Promise<StatCache> {
    const cache = new StatCache(join(cacheDir, 'worktree-stat', `${sha256(dir).slice(0, 32)}.json`));
    try {
      const data = JSON.parse(await readFile(cache.file, 'utf8')) as { format: number; entries: Record<string, Row> };
      if (data.format === FORMAT) {
        for (const [path, [size, mtimeMs, ctimeMs, ino, blobSha]] of Object.entries(data.entries)) {
          cache.entries.set(path, { size, mtimeMs, ctimeMs, ino, blobSha });
        }
      }
    } catch {
      // First run, or a cache from an older format: start empty, it is only a cache.
    }
    return cache;
  }

  /** The cached blob SHA if the file's stat is unchanged, else undefined. */
  lookup(path: string, st: Omit<StatEntry, 'blobSha'>): string | undefined {
    const e = this.entries.get(path);
    if (!e) return undefined;
    const same = e.size === st.size && e.mtimeMs === st.mtimeMs && e.ctimeMs === st.ctimeMs && e.ino === st.ino;
    return same ? e.blobSha : undefined;
  }

  remember(path: string, entry: StatEntry): void {
    this.entries.set(path, entry);
    this.dirty = true;
  }

  /** Keeps only `paths` (forgets deleted files) and writes the file atomically if anything changed. */
  async save(paths: Set<string>, scanStartedMs: number): Promise<void> {
    for (const [path, e] of this.entries) {
      const racy = e.mtimeMs >= scanStartedMs - RACY_WINDOW_MS;
      if (!paths.has(path) || racy) {
        this.entries.delete(path);
        this.dirty = true;
      }
    }
    if (!this.dirty) return;
    const rows: Record<string, Row> = {};
    for (const [path, e] of this.entries) rows[path] = [e.size, e.mtimeMs, e.ctimeMs, e.ino, e.blobSha];
    await mkdirPrivateAsync(dirname(this.file));
    // Write-then-rename: a concurrent reader sees the old or the new cache, never half of one.
    await writeFilePrivateAsync(this.file, JSON.stringify({ format: FORMAT, entries: rows }));
    this.dirty = false;
  }
}
