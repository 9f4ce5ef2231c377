// The planner: pairs desired resources with what the targets observed and what the inventory says
// was applied (argo-style pure pairing: no live = create, no desired = prune). No I/O.
import type { Change, ChangeAction, ChangeReason, Plan } from '../model/plan.js';
import type { DesiredResource, ObservedResource } from '../model/resource.js';
import type { InventoryItem } from '../store/store.js';
import { diffFields } from './field-diff.js';
import { textDiffs } from './text-diff.js';
import { pruneDisabled } from '../desired/prune-policy.js';

export interface PlanInput {
  revision: string;
  desired: DesiredResource[];
  observed: Map<string, ObservedResource>;
  inventory: Map<string, InventoryItem>;
  /** Delete applied resources that are no longer desired (default true: Git is the truth). */
  prune: boolean;
  /** Resources whose last change never became healthy, with why: repaired until one does. */
  unsettled?: (id: string) => string | undefined;
}

export function computePlan(input: PlanInput): Plan {
  const changes: Change[] = [];
  const orphans: Change[] = [];
  let unchanged = 0;
  const desiredIds = new Set<string>();
  for (const d of input.desired) {
    desiredIds.add(d.id);
    const obs = input.observed.get(d.id);
    const inv = input.inventory.get(d.id);
    const change = pairDesired(d, obs, inv, input.unsettled?.(d.id));
    if (change) changes.push(change);
    else unchanged++;
  }
  // Prune candidates: in the inventory (Boreas applied them) but no longer desired. An instance whose
  // name is desired on another target has moved (placement), not left Git: say so.
  const placedOn = new Map(input.desired.filter((d) => d.kind === 'Instance').map((d) => [d.name, d.target]));
  for (const [id, inv] of input.inventory) {
    if (desiredIds.has(id)) continue;
    const obs = input.observed.get(id);
    if (obs?.details?.offline) {
      orphans.push(
        makeChange(
          'delete',
          'Pruned',
          `no longer desired here, but ${inv.resource.target} is unreachable: kept until it answers`,
          inv.resource,
          undefined,
          obs,
          inv,
        ),
      );
      continue;
    }
    const movedTo = inv.resource.kind === 'Instance' ? placedOn.get(inv.resource.name) : undefined;
    const why = movedTo ? `moved to ${movedTo} (placement: cordoned, offline or rebalanced)` : `no longer in Git (applied at ${inv.revision.slice(0, 12)})`;
    const change = makeChange('delete', 'Pruned', why, inv.resource, undefined, obs, inv);
    (input.prune && !pruneDisabled(inv.resource) ? changes : orphans).push(change);
  }
  return { revision: input.revision, changes: sortChanges(changes), unchanged, orphans };
}

function pairDesired(d: DesiredResource, obs: ObservedResource | undefined, inv: InventoryItem | undefined, unsettled: string | undefined): Change | undefined {
  if (!obs?.exists) {
    if (inv)
      return makeChange(
        'repair',
        'Drifted',
        `applied before, now missing on ${d.target}${obs?.drift?.length ? ` (${obs.drift.join('; ')})` : ''}`,
        d,
        d,
        obs,
        inv,
      );
    return makeChange('create', 'NotFound', `not on ${d.target}`, d, d, obs, inv);
  }
  const appliedHash = obs.appliedHash ?? inv?.appliedHash;
  if (appliedHash !== d.hash) return makeChange('update', 'SpecChanged', 'desired spec changed', d, d, obs, inv);
  if (obs.drift?.length) return makeChange('repair', 'Drifted', obs.drift.join('; '), d, d, obs, inv);
  if (unsettled) return makeChange('repair', 'Unhealthy', `did not become healthy after its last change: ${unsettled}`, d, d, obs, inv);
  return undefined;
}

function makeChange(
  action: ChangeAction,
  reason: ChangeReason,
  message: string,
  resource: DesiredResource,
  desired: DesiredResource | undefined,
  obs: ObservedResource | undefined,
  inv: InventoryItem | undefined,
): Change {
  const before = obs?.appliedSpec ?? inv?.resource.spec;
  const fields = action === 'create' ? [] : action === 'delete' ? [] : diffFields(before, desired?.spec);
  return {
    action,
    reason,
    message,
    desired,
    observed: obs,
    id: resource.id,
    target: resource.target,
    kind: resource.kind,
    owner: resource.owner,
    environment: resource.environment,
    name: resource.name,
    fields,
    textDiffs: textDiffs(inv?.resource.rendered, action === 'delete' ? undefined : desired?.rendered, action),
  };
}

const actionOrder: Record<ChangeAction, number> = { create: 0, update: 1, repair: 2, delete: 3 };

/** Deterministic order: environment, owner, action, id (argo sorts tasks the same way every time). */
function sortChanges(changes: Change[]): Change[] {
  return changes.sort(
    (a, b) =>
      a.environment.localeCompare(b.environment) || a.owner.localeCompare(b.owner) || actionOrder[a.action] - actionOrder[b.action] || a.id.localeCompare(b.id),
  );
}
