// Source + load + validate stages: resolves the revision and returns its manifests, or throws
// ValidationFailed so that an invalid revision is never partially applied. Reading only: recording
// the revision in the store is for `record: true` callers (reconcile, rollback, daemon), never `plan`.
import { assertHasManifests } from '../manifests/empty.js';
import { loadManifests } from '../manifests/load.js';
import type { ManifestSet } from '../manifests/model.js';
import { ValidationFailed } from '../model/errors.js';
import type { ResolvedRevision, Source } from '../source/source.js';
import { readRevisionCache, revisionCacheKey, writeRevisionCache } from './revision-cache.js';
import type { Session } from './session.js';

export interface LoadedRevision {
  revision: ResolvedRevision;
  manifests: ManifestSet;
  source: Source;
}

export interface LoadOptions {
  /** Remember the revision (valid or not) in the store. */
  record: boolean;
  /** Accept a revision without any manifest (otherwise an error: it would delete everything). */
  allowEmpty?: boolean;
}

export async function loadValidRevision(session: Session, source?: Source, opts: LoadOptions = { record: true }): Promise<LoadedRevision> {
  const src = source ?? (await session.source());
  // An unchanged, already validated revision skips list/parse/validate altogether.
  const resolved = await src.resolve();
  const key = revisionCacheKey(resolved);
  const cached = session.memo.manifestsFor(key, () => readRevisionCache(session.cacheDir, resolved));
  if (cached) {
    assertHasManifests(cached, src.description, opts.allowEmpty);
    if (opts.record) await remember(session, src, resolved, true);
    return { revision: resolved, manifests: cached, source: src };
  }
  const result = await loadManifests(src, { cacheDir: session.cacheDir });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (opts.record) await remember(session, src, result.revision, errors.length === 0);
  if (errors.length) throw new ValidationFailed(result.diagnostics);
  assertHasManifests(result.manifests, src.description, opts.allowEmpty);
  writeRevisionCache(session.cacheDir, result.revision, result.manifests);
  session.memo.rememberManifests(revisionCacheKey(result.revision), result.manifests);
  return { revision: result.revision, manifests: result.manifests, source: src };
}

/** Records a revision the first time it is seen (valid or not). */
async function remember(session: Session, src: Source, rev: ResolvedRevision, valid: boolean): Promise<void> {
  if (await session.store.getRevision(rev.sha)) return;
  const { sha, treeHash, ref, subject, author, committedAt } = rev;
  await session.store.recordRevision({ sha, treeHash, source: src.description, ref, seenAt: new Date().toISOString(), valid, subject, author, committedAt });
}
