// Per-application history rows (`boreas history <app>`): one per run that changed the app, with the
// hash of its desired resources so rollback can find the previous distinct state.
import type { DesiredResource } from '../model/resource.js';
import type { Store } from '../store/store.js';
import { hashJson } from '../util/hash.js';
import type { ReconcileSummary } from './reconcile.js';

export function desiredHashOf(resources: DesiredResource[], owner: string): string {
  return hashJson(
    resources
      .filter((r) => r.owner === owner)
      .map((r) => [r.id, r.hash])
      .sort(),
  );
}

export async function recordHistory(
  store: Store,
  runId: number,
  revision: string,
  desired: DesiredResource[],
  owners: Set<string>,
  result: ReconcileSummary,
): Promise<void> {
  const failedOwners = new Set(result.failures.map((f) => desired.find((r) => r.id === f.resource)?.owner).filter(Boolean));
  for (const owner of owners) {
    await store.recordAppRevision({
      application: owner,
      revision,
      runId,
      result: failedOwners.has(owner) ? 'failed' : result.converged ? 'succeeded' : 'incomplete',
      desiredHash: desiredHashOf(desired, owner),
    });
  }
}
