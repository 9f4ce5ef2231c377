// Per-application history rows (`boreas history <app>`): one per run that planned changes for the
// app, with the hash of its desired resources (so rollback can find the previous distinct state) and
// how many of its resources the run changed (so a run that only restarted a crashed instance still
// reads "changed").
import type { HistoryEntry } from '../model/history.js';
import type { DesiredResource } from '../model/resource.js';
import type { Store } from '../store/store.js';
import { hashJson } from '../util/hash.js';
import type { RunSummary as ReconcileSummary } from '../model/run-summary.js';
import { revisionFacts } from './applied-revision.js';

export function desiredHashOf(resources: DesiredResource[], owner: string): string {
  return hashOfOwned(resources.filter((r) => r.owner === owner));
}

function hashOfOwned(owned: DesiredResource[]): string {
  return hashJson(owned.map((r) => [r.id, r.hash]).sort());
}

/** Task outcomes that changed something on a target. */
const changingOutcomes = new Set(['created', 'configured', 'deleted']);

export async function recordHistory(
  store: Store,
  runId: number,
  revision: string,
  desired: DesiredResource[],
  owners: Set<string>,
  result: ReconcileSummary,
): Promise<void> {
  // Grouped once: one scan of the desired resources, not one per application (10,000 apps).
  const byOwner = new Map<string, DesiredResource[]>();
  const ownerOf = new Map<string, string>();
  for (const r of desired) {
    (byOwner.get(r.owner) ?? byOwner.set(r.owner, []).get(r.owner)!).push(r);
    ownerOf.set(r.id, r.owner);
  }
  const failedOwners = new Set(result.failures.map((f) => ownerOf.get(f.resource)).filter(Boolean));
  const changed = new Map<string, number>();
  for (const t of await store.listTasks({ runId }))
    if (t.state === 'succeeded' && t.outcome && changingOutcomes.has(t.outcome)) changed.set(t.owner, (changed.get(t.owner) ?? 0) + 1);
  // One transaction for all of them: 10,000 applications are one commit, not 10,000.
  await store.transaction(async (tx) => {
    for (const owner of owners) {
      await tx.recordAppRevision({
        application: owner,
        revision,
        runId,
        result: failedOwners.has(owner) ? 'failed' : result.converged ? 'succeeded' : 'incomplete',
        desiredHash: hashOfOwned(byOwner.get(owner) ?? []),
        changed: changed.get(owner) ?? 0,
      });
    }
  });
}

/** The app's history, newest first, with each revision's commit subject and author. */
export async function appHistory(store: Store, application: string): Promise<HistoryEntry[]> {
  const records = await store.listAppRevisions(application);
  const info = revisionFacts(store);
  const revisions = await Promise.all(records.map((r) => info(r.revision)));
  return records.map((r, i) => {
    const older = records[i + 1];
    // Rows from before changes were counted: a new desired state is the best evidence there is.
    const changed = r.changed !== undefined ? r.changed > 0 : !older || older.desiredHash !== r.desiredHash;
    return {
      application: r.application,
      revision: revisions[i],
      runId: r.runId,
      result: r.result,
      at: r.at,
      desiredHash: r.desiredHash,
      changed,
      ...(r.changed !== undefined ? { changedResources: r.changed } : {}),
    };
  });
}
