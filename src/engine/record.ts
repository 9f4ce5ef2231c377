// Record stage of a reconcile: what a pass saw is written down, so `status`, `down` and the next run
// know it. Only `reconcile` (and the daemon) call this; `plan` and `--dry-run` never do. Nothing is
// written when nothing changed (a no-op reconcile writes zero rows).
import type { ManifestSet } from '../manifests/model.js';
import type { Store } from '../store/store.js';
import { rememberApplied } from './applied-revision.js';
import { liftPins } from './pins.js';
import type { PassResult } from './plan-revision.js';
import { rememberScope } from './target-scope.js';

/** What `boreas status` needs to relate certificates to applications without the manifests. */
export interface EdgeSnapshot {
  ingresses: Record<string, { applications: string[]; certificate?: string; hosts: string[] }>;
}

export const edgeSnapshotKey = ['edge', 'ingresses'] as const;

/** Once per revision reconciled: the specs later commands build targets from, pins, the edge map. */
export async function recordRevisionFacts(store: Store, revision: string, manifests: ManifestSet): Promise<void> {
  await rememberScope(store, manifests);
  await liftPins(store, revision);
  await rememberEdge(store, manifests);
  await rememberApplied(store, revision, manifests);
}

/**
 * After every pass: observations, and the inventory brought up to what the targets prove they run:
 * live, in sync, but missing from the inventory or recorded there with an older spec.
 */
export async function recordPass(store: Store, revision: string, pass: PassResult): Promise<void> {
  await store.saveObserved([...pass.observed.values()]);
  // A crash between apply and record (or a lost state file) leaves live, in-sync resources out of the
  // inventory: adopting them keeps prune and `down` able to find them. A task whose answer was lost
  // (a node that hung past the run's deadline, an interrupt) may still have been applied: the row
  // then holds the older spec, and `status` would call the resource drifted from it while the plan
  // finds nothing to do. Writes happen only on such a mismatch: a no-op pass writes nothing.
  for (const d of pass.desired) {
    const o = pass.observed.get(d.id);
    const held = pass.inventory.get(d.id);
    if (held?.appliedHash === d.hash || o?.state !== 'present' || o.appliedHash !== d.hash) continue;
    const lastTaskKey = held?.lastTaskKey ?? 'adopted';
    await store.recordApplied(d, lastTaskKey, revision);
    pass.inventory.set(d.id, { resource: d, appliedHash: d.hash, revision, lastTaskKey, appliedAt: new Date().toISOString() });
  }
}

/** Ingress → applications/certificate (written only when changed). */
async function rememberEdge(store: Store, manifests: ManifestSet): Promise<void> {
  const snapshot: EdgeSnapshot = { ingresses: {} };
  for (const [name, { manifest: ing }] of [...manifests.ingresses].sort(([a], [b]) => a.localeCompare(b))) {
    snapshot.ingresses[name] = {
      applications: [...new Set(ing.spec.rules.map((r) => r.application))].sort(),
      ...(ing.spec.tls?.certificate ? { certificate: ing.spec.tls.certificate } : {}),
      hosts: [...ing.spec.hosts],
    };
  }
  const text = JSON.stringify(snapshot);
  if ((await store.getKv(...edgeSnapshotKey)) !== text) await store.setKv(...edgeSnapshotKey, text);
}
