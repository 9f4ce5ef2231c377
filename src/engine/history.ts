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

/** Whether a task's result changed something on a target (it counts in its owner's history line). */
export function changedSomething(r: { state: string; outcome?: string; skipped?: boolean }): boolean {
  return r.state === 'succeeded' && !r.skipped && !!r.outcome && changingOutcomes.has(r.outcome);
}

/**
 * One history line per application the run planned changes for, all in one store row.
 * `changed`: per owner, the run's tasks that changed something (counted by the caller from the
 * executor's results, so the run's tasks need not be read back).
 */
export async function recordHistory(
  store: Store,
  runId: number,
  revision: string,
  desired: DesiredResource[],
  owners: Set<string>,
  result: ReconcileSummary,
  changed: ReadonlyMap<string, number>,
): Promise<void> {
  // Grouped once: one scan of the desired resources, not one per application (10,000 apps).
  const byOwner = new Map<string, DesiredResource[]>();
  const ownerOf = new Map<string, string>();
  for (const r of desired) {
    (byOwner.get(r.owner) ?? byOwner.set(r.owner, []).get(r.owner)!).push(r);
    ownerOf.set(r.id, r.owner);
  }
  const failedOwners = new Set(result.failures.map((f) => ownerOf.get(f.resource)).filter(Boolean));
  await store.recordAppRevisions(
    runId,
    revision,
    [...owners].map((owner) => ({
      application: owner,
      result: failedOwners.has(owner) ? 'failed' : result.converged ? 'succeeded' : 'incomplete',
      desiredHash: hashOfOwned(byOwner.get(owner) ?? []),
      changed: changed.get(owner) ?? 0,
    })),
  );
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
