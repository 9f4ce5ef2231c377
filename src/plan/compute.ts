// The planner: pairs desired resources with what the targets observed and what the inventory says
// was applied (argo-style pure pairing: no live = create, no desired = prune). No I/O. A resource
// whose target could not be observed is Unknown: never paired into a create or a prune, always
// listed, so a plan with Unknowns is never "No changes".
import { pruneDisabled } from '../desired/prune-policy.js';
import type { InventoryItem } from '../model/inventory.js';
import type { Change, ChangeAction, ChangeReason, Plan, UnknownResource, UnknownTarget } from '../model/plan.js';
import type { DesiredResource, ObservedResource, UnknownCause } from '../model/resource.js';
import { diffFields } from './field-diff.js';
import { massDeletes } from './mass-delete.js';
import { markMoves } from './moves.js';
import { textDiffs } from './text-diff.js';

export interface PlanInput {
  revision: string;
  desired: DesiredResource[];
  observed: Map<string, ObservedResource>;
  inventory: Map<string, InventoryItem>;
  /** Delete applied resources that are no longer desired (default true: Git is the truth). */
  prune: boolean;
  /** Resources whose last change never became healthy, with why: repaired until one does. */
  unsettled?: (id: string) => string | undefined;
  /** Targets that did not answer their probe (their resources were not asked about). */
  unreachable?: Map<string, UnknownCause>;
  /** Let a run delete more than half of an environment (otherwise such deletes are held back). */
  allowMassDelete?: boolean;
}

export function computePlan(input: PlanInput): Plan {
  const changes: Change[] = [];
  const orphans: Change[] = [];
  const unknown: UnknownResource[] = [];
  let unchanged = 0;
  const desiredIds = new Set<string>();
  for (const d of input.desired) {
    desiredIds.add(d.id);
    const obs = input.observed.get(d.id);
    if (obs?.state === 'unknown') {
      unknown.push(unknownEntry(d, obs, true));
      continue;
    }
    const change = pairDesired(d, obs, input.inventory.get(d.id), input.unsettled?.(d.id));
    if (change) changes.push(change);
    else unchanged++;
  }
  // Prune candidates: in the inventory (Boreas applied them) but no longer desired (or desired on
  // another target: markMoves below pairs those with their new copy).
  for (const [id, inv] of input.inventory) {
    if (desiredIds.has(id)) continue;
    const obs = input.observed.get(id);
    if (obs?.state === 'unknown') {
      unknown.push(unknownEntry(inv.resource, obs, false));
      continue;
    }
    const change = makeChange('delete', 'Pruned', `no longer in Git (applied at ${inv.revision.slice(0, 12)})`, inv.resource, undefined, obs, inv);
    (input.prune && !pruneDisabled(inv.resource) ? changes : orphans).push(change);
  }
  markMoves(changes, input.inventory);
  deferWaiting(changes, input.desired);
  const plan: Plan = {
    revision: input.revision,
    changes: sortChanges(changes),
    unchanged,
    orphans,
    unknown: unknown.sort((a, b) => a.target.localeCompare(b.target) || a.id.localeCompare(b.id)),
    unknownTargets: unknownTargets(unknown, input.unreachable),
  };
  const held = input.allowMassDelete ? [] : massDeletes(plan.changes, input.inventory, new Set(input.desired.map((d) => d.owner)));
  if (held.length) plan.massDelete = held;
  return plan;
}

/** Whether a desired resource would get a change in a plan (an Unknown one never does). */
export function needsChange(d: DesiredResource, obs: ObservedResource | undefined, inv: InventoryItem | undefined, unsettled: string | undefined): boolean {
  return obs?.state !== 'unknown' && pairDesired(d, obs, inv, unsettled) !== undefined;
}

function pairDesired(d: DesiredResource, obs: ObservedResource | undefined, inv: InventoryItem | undefined, unsettled: string | undefined): Change | undefined {
  if (!obs || obs.state === 'absent') {
    const why =
      obs?.pending ?? (inv ? `applied before, now missing on ${d.target}${obs?.drift?.length ? ` (${obs.drift.join('; ')})` : ''}` : `not on ${d.target}`);
    return inv ? makeChange('repair', 'Drifted', why, d, d, obs, inv) : makeChange('create', 'NotFound', why, d, d, obs, inv);
  }
  const appliedHash = obs.appliedHash ?? inv?.appliedHash;
  if (appliedHash !== d.hash) return makeChange('update', 'SpecChanged', obs.pending ?? 'desired spec changed', d, d, obs, inv);
  if (obs.drift?.length) return makeChange('repair', 'Drifted', obs.pending ?? obs.drift.join('; '), d, d, obs, inv);
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
  const fields = action === 'create' || action === 'delete' ? [] : diffFields(before, desired?.spec);
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

/**
 * A change rendered from the current state of a resource that itself changes in this pass
 * (certificate files of a certificate being issued) waits for the next pass, as does everything that
 * depends on a waiting change: reconcile re-plans after each pass, so it is applied then, re-rendered.
 */
function deferWaiting(changes: Change[], desired: DesiredResource[]): void {
  const changing = new Set(changes.map((c) => c.id));
  const byId = new Map(changes.map((c) => [c.id, c]));
  const dependents = new Map<string, string[]>();
  for (const d of desired) for (const dep of d.dependsOn) (dependents.get(dep) ?? dependents.set(dep, []).get(dep)!).push(d.id);
  const queue: string[] = [];
  for (const c of changes) {
    const from = c.desired?.derivedFrom?.find((id) => changing.has(id));
    if (!from || c.action === 'delete') continue;
    c.deferred = `after ${from} is applied`;
    queue.push(c.id);
  }
  while (queue.length) {
    const id = queue.shift()!;
    for (const next of dependents.get(id) ?? []) {
      const c = byId.get(next);
      if (!c || c.deferred || c.action === 'delete') continue;
      c.deferred = `after ${id} is applied`;
      queue.push(next);
    }
  }
}

function unknownEntry(r: DesiredResource, obs: ObservedResource, desired: boolean): UnknownResource {
  return {
    id: r.id,
    target: r.target,
    kind: r.kind,
    owner: r.owner,
    environment: r.environment,
    name: r.name,
    cause: obs.cause ?? { reason: 'error', message: obs.health.message ?? 'could not be observed' },
    desired,
  };
}

/** One line per target: the probe's cause when it did not answer, else its resources' first cause. */
function unknownTargets(unknown: UnknownResource[], unreachable: Map<string, UnknownCause> | undefined): UnknownTarget[] {
  const byTarget = new Map<string, UnknownTarget>();
  for (const [target, cause] of unreachable ?? []) byTarget.set(target, { target, cause, resources: 0 });
  for (const u of unknown) {
    const t = byTarget.get(u.target) ?? byTarget.set(u.target, { target: u.target, cause: u.cause, resources: 0 }).get(u.target)!;
    t.resources++;
  }
  return [...byTarget.values()].sort((a, b) => a.target.localeCompare(b.target));
}

const actionOrder: Record<ChangeAction, number> = { create: 0, update: 1, repair: 2, delete: 3 };

/** Deterministic order: environment, owner, action, id (argo sorts tasks the same way every time). */
function sortChanges(changes: Change[]): Change[] {
  return changes.sort(
    (a, b) =>
      a.environment.localeCompare(b.environment) || a.owner.localeCompare(b.owner) || actionOrder[a.action] - actionOrder[b.action] || a.id.localeCompare(b.id),
  );
}
