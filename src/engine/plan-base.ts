// `plan --base <ref>`: desired state at two revisions compared with no access to any target, for PR
// previews. The base revision plays the part of "what is applied": every base resource is taken as
// present with its own hash, so the ordinary planner yields exactly the desired-vs-desired changes.
import { desiredWithoutTargets } from '../desired/offline.js';
import type { InventoryItem } from '../model/inventory.js';
import type { Plan } from '../model/plan.js';
import type { ObservedResource } from '../model/resource.js';
import { computePlan } from '../plan/compute.js';
import type { LoadedRevision } from './load-revision.js';
import { ciphertextDigests } from '../secrets/index.js';

export async function planAgainstBase(base: LoadedRevision, head: LoadedRevision, prune = true): Promise<Plan> {
  // Nothing is decrypted here: an encrypted value stands as a hash of its ciphertext, so a changed
  // (or re-encrypted) secret file shows as a changed secret, by name only.
  const read = (rev: LoadedRevision) => (path: string) => rev.source.readFile(path);
  const before = desiredWithoutTargets(base.manifests, (await ciphertextDigests(base.manifests, read(base))).digest);
  const after = desiredWithoutTargets(head.manifests, (await ciphertextDigests(head.manifests, read(head))).digest);
  const observed = new Map<string, ObservedResource>();
  const inventory = new Map<string, InventoryItem>();
  for (const r of before) {
    observed.set(r.id, { id: r.id, state: 'present', appliedHash: r.hash, health: { status: 'Healthy', level: 100 } });
    inventory.set(r.id, { resource: r, appliedHash: r.hash, revision: base.revision.sha, lastTaskKey: '', appliedAt: '' });
  }
  // Git against Git: a PR that empties an environment shows its deletions; it holds nothing back.
  return computePlan({ revision: head.revision.sha, desired: after, observed, inventory, prune, allowMassDelete: true });
}
