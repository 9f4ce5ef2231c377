// Validated manifests of a revision, kept by commit SHA and tree hash: an unchanged revision skips
// listing, parsing and validating entirely (one file read instead of one per manifest). Keyed also by
// the schema and loader code hashes, so a new Boreas never trusts what an older one validated.
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdirPrivate, writeFilePrivate } from '../util/private-files.js';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { ManifestSet } from '../manifests/model.js';
import { loaderCodeHash } from '../manifests/parse-cache.js';
import { schemasHash } from '../manifests/schema-validator.js';
import type { ResolvedRevision } from '../source/source.js';
import { sha256 } from '../util/hash.js';

const keep = 4;

/** What names a revision's validated manifests: its commit, its tree and the code that validated it. */
export function revisionCacheKey(rev: ResolvedRevision): string {
  return sha256(`${rev.sha}\0${rev.treeHash}\0${schemasHash()}\0${loaderCodeHash()}`).slice(0, 40);
}

function fileFor(cacheDir: string, rev: ResolvedRevision): string {
  return join(cacheDir, 'revisions', `${revisionCacheKey(rev)}.v8`);
}

export function readRevisionCache(cacheDir: string, rev: ResolvedRevision): ManifestSet | undefined {
  try {
    return deserialize(readFileSync(fileFor(cacheDir, rev))) as ManifestSet;
  } catch {
    return undefined;
  }
}

export function writeRevisionCache(cacheDir: string, rev: ResolvedRevision, manifests: ManifestSet): void {
  const file = fileFor(cacheDir, rev);
  const dir = join(cacheDir, 'revisions');
  mkdirPrivate(dir);
  writeFilePrivate(file, serialize(manifests));
  // Keep the newest few: enough for plan --base and a rollback, bounded on disk.
  const entries = readdirSync(dir).filter((f) => f.endsWith('.v8'));
  if (entries.length > keep) {
    const byAge = entries.map((f) => ({ f, t: Number(statMtime(join(dir, f))) })).sort((a, b) => b.t - a.t);
    for (const { f } of byAge.slice(keep)) rmSync(join(dir, f), { force: true });
  }
}

function statMtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}
