// `plan --base <ref>`: desired state at two revisions compared with no access to any target, for PR
// previews. The base revision plays the part of "what is applied": every base resource is taken as
// present with its own hash, so the ordinary planner yields exactly the desired-vs-desired changes.
import { buildDesired, defaultDesiredContext } from '../desired/index.js';
import { buildIngressResources } from '../desired/ingress.js';
import { defaultNginxFacts } from '../targets/nginx/facts.js';
import type { ManifestSet } from '../manifests/model.js';
import type { DesiredResource } from '../model/resource.js';
import type { Plan } from '../model/plan.js';
import type { ObservedResource } from '../model/resource.js';
import { computePlan } from '../plan/compute.js';
import type { InventoryItem } from '../store/store.js';
import type { LoadedRevision } from './load-revision.js';
import { ciphertextDigests, type RevisionSecrets } from '../secrets/index.js';

export async function planAgainstBase(base: LoadedRevision, head: LoadedRevision, prune = true): Promise<Plan> {
  // Nothing is decrypted here: an encrypted value stands as a hash of its ciphertext, so a changed
  // (or re-encrypted) secret file shows as a changed secret, by name only.
  const read = (rev: LoadedRevision) => (path: string) => rev.source.readFile(path);
  const before = desiredOf(base.manifests, await ciphertextDigests(base.manifests, read(base)));
  const after = desiredOf(head.manifests, await ciphertextDigests(head.manifests, read(head)));
  const observed = new Map<string, ObservedResource>();
  const inventory = new Map<string, InventoryItem>();
  for (const r of before) {
    observed.set(r.id, { id: r.id, exists: true, appliedHash: r.hash, appliedSpec: r.spec, health: { status: 'Healthy', level: 100 } });
    inventory.set(r.id, { resource: r, appliedHash: r.hash, revision: base.revision.sha, lastTaskKey: '', appliedAt: '' });
  }
  return computePlan({ revision: head.revision.sha, desired: after, observed, inventory, prune });
}

/** Every desired resource of a revision, edge included; with no targets, every instance counts as healthy. */
function desiredOf(manifests: ManifestSet, secrets: RevisionSecrets): DesiredResource[] {
  const machine = buildDesired(manifests, { ...defaultDesiredContext, secretDigest: secrets.digest }).resources;
  return [
    ...machine,
    ...buildIngressResources(
      manifests,
      machine,
      () => true,
      () => defaultNginxFacts,
    ),
  ];
}
