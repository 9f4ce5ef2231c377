// The mass-delete guard: a plan that would remove more than half of the applications (and other
// owners: Ingresses, Certificates) Boreas manages in an environment, or all of them, is held back,
// because that is far more often a wrong path, a broken branch or a half-pushed refactor than an
// intent. Reconcile stops before any change and asks for --allow-mass-delete (the daemon:
// allowMassDelete), saying how many it would delete. Scaling an application down is not counted:
// only owners that leave Git altogether are.
import { pruneDisabled } from '../desired/prune-policy.js';
import type { InventoryItem } from '../model/inventory.js';
import type { Change, MassDelete } from '../model/plan.js';

export function massDeletes(changes: Change[], inventory: Map<string, InventoryItem>, desiredOwners: Set<string>): MassDelete[] {
  const managed = new Map<string, Set<string>>();
  for (const { resource } of inventory.values()) {
    if (pruneDisabled(resource)) continue;
    (managed.get(resource.environment) ?? managed.set(resource.environment, new Set()).get(resource.environment)!).add(resource.owner);
  }
  const leaving = new Map<string, Set<string>>();
  for (const c of changes) {
    if (c.action !== 'delete' || desiredOwners.has(c.owner)) continue;
    (leaving.get(c.environment) ?? leaving.set(c.environment, new Set()).get(c.environment)!).add(c.owner);
  }
  const out: MassDelete[] = [];
  for (const [environment, owners] of leaving) {
    const of = managed.get(environment)?.size ?? owners.size;
    if (owners.size * 2 > of || owners.size === of) out.push({ environment, deleting: owners.size, managed: of });
  }
  return out.sort((a, b) => a.environment.localeCompare(b.environment));
}
