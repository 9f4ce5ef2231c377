// Source + load + validate stages: resolves the revision and returns its manifests, or throws
// ValidationFailed so that an invalid revision is never partially applied.
import type { ManifestSet } from '../manifests/model.js';
import { loadManifests } from '../manifests/load.js';
import { ValidationFailed } from '../model/errors.js';
import type { ResolvedRevision, Source } from '../source/source.js';
import type { Session } from './session.js';
import { rememberTargetSpecs } from './target-factories.js';
import { readRevisionCache, writeRevisionCache } from './revision-cache.js';

export interface LoadedRevision {
  revision: ResolvedRevision;
  manifests: ManifestSet;
  source: Source;
}

/**
 * `record` (reconcile, rollback, daemon): remember the revision and the Node/Environment specs that
 * later commands without a repo use. `plan` passes false: a PR branch must not redirect `down`.
 */
export async function loadValidRevision(session: Session, source?: Source, opts: { record: boolean } = { record: true }): Promise<LoadedRevision> {
  const src = source ?? (await session.source());
  // An unchanged, already validated revision skips list/parse/validate altogether.
  const resolved = await src.resolve();
  const cached = readRevisionCache(session.cacheDir, resolved);
  if (cached) {
    if (opts.record) rememberTargetSpecs(session.store, cached);
    return { revision: resolved, manifests: cached, source: src };
  }
  const result = await loadManifests(src, { cacheDir: session.cacheDir });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  const known = session.store.getRevision(result.revision.sha);
  if (!known && opts.record) {
    session.store.recordRevision({
      sha: result.revision.sha,
      treeHash: result.revision.treeHash,
      source: src.description,
      ref: result.revision.ref,
      seenAt: new Date().toISOString(),
      valid: errors.length === 0,
    });
  }
  if (errors.length) throw new ValidationFailed(result.diagnostics);
  if (opts.record) rememberTargetSpecs(session.store, result.manifests);
  writeRevisionCache(session.cacheDir, result.revision, result.manifests);
  return { revision: result.revision, manifests: result.manifests, source: src };
}
