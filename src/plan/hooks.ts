// Sync hooks in the pure planner (Argo CD and Helm semantics, model/resource.ts HookPolicy): a hook
// runs when its owner syncs, i.e. when anything else of the owner is created, changed or adopted in
// this plan, and when its own spec changes. Running again means re-creating it (BeforeHookCreation)
// when it still exists. A hook that ran with its current spec counts as in sync even after its delete
// policy removed it, so a HookSucceeded migration Job is not re-created on every run.
import type { InventoryItem } from '../model/inventory.js';
import type { Change, ChangeAction, ChangeReason } from '../model/plan.js';
import type { DesiredResource, ObservedResource } from '../model/resource.js';

/** Owners with a change that is a sync (a create, a spec change, an adoption) outside their hooks. */
export function ownersSyncing(changes: Change[]): Set<string> {
  const out = new Set<string>();
  for (const c of changes) if (!c.desired?.hook && (c.reason === 'NotFound' || c.reason === 'SpecChanged' || c.reason === 'OwnedElsewhere')) out.add(c.owner);
  return out;
}

export interface HookPairing {
  /** The ordinary pairing of this hook (update, drift repair), used where hooks behave like any object. */
  pair(): Change | undefined;
  make(action: ChangeAction, reason: ChangeReason, message: string): Change;
}

/** The change of one hook, or undefined when it is in sync. */
export function pairHook(
  d: DesiredResource,
  obs: ObservedResource | undefined,
  inv: InventoryItem | undefined,
  unsettled: string | undefined,
  ownerSyncs: boolean,
  p: HookPairing,
): Change | undefined {
  const ranWithThisSpec = inv?.appliedHash === d.hash;
  const owner = d.owner.includes('/') ? d.owner.replace('/', ' ') : `application ${d.owner}`;
  if (obs?.state !== 'present') {
    if (ownerSyncs) return p.make('create', ranWithThisSpec ? 'HookRerun' : 'NotFound', `hook runs: ${owner} changes`);
    if (ranWithThisSpec && !unsettled) return undefined; // ran, then deleted by its policy (or by hand)
    if (ranWithThisSpec) return p.make('create', 'Unhealthy', `hook runs again: it did not succeed last time (${unsettled})`);
    return p.make('create', 'NotFound', `hook runs: not on ${d.target}`);
  }
  const changed = (obs.appliedHash ?? inv?.appliedHash) !== d.hash;
  if (d.hook?.recreate && (ownerSyncs || changed || unsettled)) {
    const why = ownerSyncs
      ? `hook runs again: ${owner} changes`
      : changed
        ? 'hook spec changed: it runs again'
        : `hook runs again: it did not succeed last time (${unsettled})`;
    return p.make('replace', ownerSyncs ? 'HookRerun' : changed ? 'SpecChanged' : 'Unhealthy', `${why} (re-created: BeforeHookCreation)`);
  }
  return p.pair();
}
