// Persistent parse cache: the analysis of each file (parsed documents + schema findings) keyed by its
// git blob SHA, so an unchanged file is never read, parsed or schema-checked again. One
// V8-serialized file, read and written whole: measured faster than SQLite rows for this access
// pattern (everything is needed on every load). The share of a load analyzed by a worker thread is
// stored as the worker serialized it, so the main thread does not serialize it again.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdirPrivate, writeFilePrivate } from '../util/private-files.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import type { AnalyzedFile } from './analyze-file.js';

const FORMAT = 'boreas-parse-cache/3';
const FILE = 'manifests-parse.v8';

interface CacheFile {
  format: string;
  /** Hash of the schemas and of this loader's code the stored findings were computed with. */
  schemas: string;
  entries: Map<string, AnalyzedFile>;
  /** Entries serialized elsewhere (a worker thread's share of a load), each a V8-serialized Map. */
  segments: Uint8Array[];
}

/** Entries already V8-serialized as one Map by whoever analyzed them (analyze-parallel.ts). */
export interface SerializedEntries {
  keys: string[];
  bytes: Uint8Array;
}

export interface ParseCache {
  get(blobSha: string): AnalyzedFile | undefined;
  set(blobSha: string, analyzed: AnalyzedFile): void;
  /** Entries set() already has, serialized by another thread: save() writes them as they are. */
  addSerialized(entries: SerializedEntries): void;
  /** Writes the cache when it changed, keeping the entries `keep` names first. */
  save(keep: Iterable<string>): void;
}

let loaderCode: string | undefined;

/** Set by the bundler (scripts/build.mjs) to the hash of src/manifests at build time; undefined when
 *  running the sources. */
declare const BOREAS_MANIFESTS_CODE_HASH: string | undefined;

/** Hash of the code of src/manifests (or, in the bundled CLI, of the sources it was built from): a
 *  changed message or rule must not be served from a cache filled by older code, and nobody has to
 *  remember to bump a version. */
export function loaderCodeHash(): string {
  if (loaderCode) return loaderCode;
  if (typeof BOREAS_MANIFESTS_CODE_HASH === 'string') return (loaderCode = BOREAS_MANIFESTS_CODE_HASH);
  const hash = createHash('sha256');
  const here = dirname(fileURLToPath(import.meta.url));
  const files = (readdirSync(here, { recursive: true }) as string[]).filter((f) => /\.(ts|js)$/.test(f)).sort();
  for (const f of files) hash.update(f).update(readFileSync(join(here, f)));
  return (loaderCode = hash.digest('hex'));
}

/** Whether `dir` holds a parse cache (of any age): then a load usually has few files to parse. */
export function hasParseCache(dir: string): boolean {
  return existsSync(join(dir, FILE));
}

/** Opens the cache in `dir` (no cache when dir is undefined); a missing or stale file is empty. */
export function openParseCache(dir: string | undefined, schemasHash: string): ParseCache {
  let entries = new Map<string, AnalyzedFile>();
  if (dir) {
    try {
      const stored = deserialize(readFileSync(join(dir, FILE))) as CacheFile;
      if (stored.format === FORMAT && stored.schemas === schemasHash) {
        for (const segment of stored.segments) for (const [sha, e] of deserialize(segment) as Map<string, AnalyzedFile>) stored.entries.set(sha, e);
        entries = stored.entries;
      }
    } catch {
      // Missing or unreadable: start empty; it is only a cache.
    }
  }
  let dirty = false;
  const serialized: SerializedEntries[] = [];
  return {
    get: (sha) => entries.get(sha),
    set: (sha, analyzed) => {
      entries.set(sha, analyzed);
      dirty = true;
    },
    addSerialized: (e) => serialized.push(e),
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
      // What another thread serialized is written as it is (all of it is current: it was just parsed).
      const segments: Uint8Array[] = [];
      for (const s of serialized) {
        if (!s.keys.every((k) => kept.has(k))) continue;
        for (const k of s.keys) kept.delete(k);
        segments.push(s.bytes);
      }
      // Parsed repository content: private to this user (0600 in a 0700 dir). Best effort: a cache
      // dir that cannot be written only makes the next load parse again; this load's result stands.
      try {
        mkdirPrivate(dir);
        writeFilePrivate(join(dir, FILE), serialize({ format: FORMAT, schemas: schemasHash, entries: kept, segments } satisfies CacheFile));
      } catch {
        // Only a cache (see above).
      }
    },
  };
}
