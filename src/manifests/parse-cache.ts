// Persistent parse cache: the analysis of each file (parsed documents + schema findings) keyed by its
// git blob SHA, so an unchanged file is never read, parsed or schema-checked again. One
// V8-serialized file, read and written whole: measured faster than SQLite rows for this access
// pattern (everything is needed on every load).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { AnalyzedFile } from './analyze-file.js';

/** Bumped when the analysis format or its messages change. */
const FORMAT = 'boreas-parse-cache/1';
const FILE = 'manifests-parse.v8';

interface CacheFile {
  format: string;
  /** Schema hash the stored findings were computed with. */
  schemas: string;
  entries: Map<string, AnalyzedFile>;
}

export interface ParseCache {
  get(blobSha: string): AnalyzedFile | undefined;
  set(blobSha: string, analyzed: AnalyzedFile): void;
  /** Writes the cache when it changed, keeping the entries `keep` names first. */
  save(keep: Iterable<string>): void;
}

/** Opens the cache in `dir` (no cache when dir is undefined); a missing or stale file is empty. */
export function openParseCache(dir: string | undefined, schemasHash: string): ParseCache {
  let entries = new Map<string, AnalyzedFile>();
  if (dir) {
    try {
      const stored = deserialize(readFileSync(join(dir, FILE))) as CacheFile;
      if (stored.format === FORMAT && stored.schemas === schemasHash) entries = stored.entries;
    } catch {
      // Missing or unreadable: start empty; it is only a cache.
    }
  }
  let dirty = false;
  return {
    get: (sha) => entries.get(sha),
    set: (sha, analyzed) => {
      entries.set(sha, analyzed);
      dirty = true;
    },
    save: (keep) => {
      if (!dir || !dirty) return;
      // Keep the current revision's files, plus older entries up to the same count again, so
      // switching back and forth between two branches stays warm without unbounded growth.
      const kept = new Map<string, AnalyzedFile>();
      for (const sha of keep) {
        const e = entries.get(sha);
        if (e) kept.set(sha, e);
      }
      const limit = Math.max(kept.size * 2, 1000);
      for (const [sha, e] of entries) {
        if (kept.size >= limit) break;
        if (!kept.has(sha)) kept.set(sha, e);
      }
      mkdirSync(dir, { recursive: true });
      const tmp = join(dir, `${FILE}.${process.pid}.tmp`);
      writeFileSync(tmp, serialize({ format: FORMAT, schemas: schemasHash, entries: kept } satisfies CacheFile));
      renameSync(tmp, join(dir, FILE));
    },
  };
}
