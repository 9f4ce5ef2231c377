// The planner: pairs desired resources with what the targets observed and what the inventory says
// was applied (argo-style pure pairing: no live = create, no desired = prune). No I/O. A resource
// whose target could not be observed is Unknown: never paired into a create or a prune, always
// listed, so a plan with Unknowns is never "No changes". A resource the target cannot apply (its
// kind is not served) or may not take over (another owner manages it, and its owner did not opt in
// to adopt it) is blocked: listed, never tried. Sync hooks run again when their owner syncs (hooks.ts).
import { pruneDisabled } from '../desired/prune-policy.js';
import type { InventoryItem } from '../model/inventory.js';
import type { BlockedResource, Change, ChangeAction, ChangeReason, Plan, UnknownResource, UnknownTarget } from '../model/plan.js';
import { type DesiredResource, describeOwner, type ForeignOwner, type ObservedResource, type UnknownCause } from '../model/resource.js';
import { ownersSyncing, pairHook } from './hooks.js';
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
  const blocked: BlockedResource[] = [];
  const hooks: DesiredResource[] = [];
  let unchanged = 0;
  const desiredIds = new Set<string>();
  for (const d of input.desired) {
    desiredIds.add(d.id);
    const obs = input.observed.get(d.id);
    if (obs?.state === 'unknown') {
      unknown.push(unknownEntry(d, obs, true));
      continue;
    }
    const inv = input.inventory.get(d.id);
    if (obs?.blocked) {
      blocked.push(blockedEntry(d, obs.blocked));
      continue;
    }
    const foreign = foreignOwner(obs, inv);
    if (foreign && !d.adopt) {
      blocked.push(blockedEntry(d, `adopt (owned by ${describeOwner(foreign)}): refused; set kubernetes.adopt: true in ${ownerOf(d)} to take it over`));
      continue;
    }
    if (d.hook) {
      hooks.push(d);
      continue;
    }
    const change = foreign
      ? makeChange('adopt', 'OwnedElsewhere', `adopt (owned by ${describeOwner(foreign)}): taken over (kubernetes.adopt: true)`, d, d, obs, inv)
      : pairDesired(d, obs, inv, input.unsettled?.(d.id));
    if (change) changes.push(change);
    else unchanged++;
  }
  // Hooks last: whether one runs depends on what else of its owner changes.
  const syncing = ownersSyncing(changes);
  for (const d of hooks) {
    const obs = input.observed.get(d.id);
    const inv = input.inventory.get(d.id);
    const change = pairHook(d, obs, inv, input.unsettled?.(d.id), syncing.has(d.owner), {
      pair: () => pairDesired(d, obs, inv, input.unsettled?.(d.id)),
      make: (action, reason, message) => makeChange(action, reason, message, d, d, obs, inv),
    });
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
    const takenOver = obs?.state === 'present' && obs.ownedBy ? obs.ownedBy : undefined;
    const why = takenOver
      ? `no longer in Git; ${describeOwner(takenOver)} manages it now, so it is forgotten, not deleted`
      : `no longer in Git (applied at ${inv.revision.slice(0, 12)})`;
    const change = makeChange('delete', 'Pruned', why, inv.resource, undefined, obs, inv);
    (input.prune && !pruneDisabled(inv.resource) ? changes : orphans).push(change);
  }
  markMoves(changes, input.inventory);
  deferWaiting(changes, input.desired);
  deferBehindBlocked(changes, input.desired, blocked);
  const plan: Plan = {
    revision: input.revision,
    changes: sortChanges(changes),
    unchanged,
    orphans,
    unknown: unknown.sort((a, b) => a.target.localeCompare(b.target) || a.id.localeCompare(b.id)),
    unknownTargets: unknownTargets(unknown, input.unreachable),
  };
  if (blocked.length) plan.blocked = blocked.sort((a, b) => a.target.localeCompare(b.target) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  const held = input.allowMassDelete ? [] : massDeletes(plan.changes, input.inventory, new Set(input.desired.map((d) => d.owner)));
  if (held.length) plan.massDelete = held;
  return plan;
}

/** Whether a desired resource would get a change in a plan (an Unknown one never does). */
export function needsChange(d: DesiredResource, obs: ObservedResource | undefined, inv: InventoryItem | undefined, unsettled: string | undefined): boolean {
  return obs?.state !== 'unknown' && !obs?.blocked && pairDesired(d, obs, inv, unsettled) !== undefined;
}

/** The pairing of one resource; a change the target can only make by re-creating the resource is a replace. */
function pairDesired(d: DesiredResource, obs: ObservedResource | undefined, inv: InventoryItem | undefined, unsettled: string | undefined): Change | undefined {
  const change = pairPlain(d, obs, inv, unsettled);
  if (change && obs?.replace && (change.action === 'update' || change.action === 'repair')) {
    change.action = 'replace';
    change.message = `${change.message}; ${obs.replace}: deleted and re-created`;
  }
  return change;
}

function pairPlain(d: DesiredResource, obs: ObservedResource | undefined, inv: InventoryItem | undefined, unsettled: string | undefined): Change | undefined {
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

/**
 * Changes that depend, directly or through resources that do not change, on a blocked resource wait:
 * a later sync wave is not applied while an earlier one cannot be.
 */
function deferBehindBlocked(changes: Change[], desired: DesiredResource[], blocked: BlockedResource[]): void {
  if (!blocked.length) return;
  const byId = new Map(changes.map((c) => [c.id, c]));
  const dependents = new Map<string, string[]>();
  for (const d of desired) for (const dep of d.dependsOn) (dependents.get(dep) ?? dependents.set(dep, []).get(dep)!).push(d.id);
  const names = new Map(blocked.map((b) => [b.id, b.name]));
  const seen = new Set<string>();
  const queue = blocked.map((b) => [b.id, b.id] as const);
  while (queue.length) {
    const [id, root] = queue.shift()!;
    for (const next of dependents.get(id) ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      const c = byId.get(next);
      if (c && c.action !== 'delete' && !c.deferred) c.deferred = `waits for ${names.get(root)}, which is blocked`;
      queue.push([next, root]);
    }
  }
}

/** The foreign owner that matters: an application of this state may move an object it applied (the inventory says so), others may not. */
function foreignOwner(obs: ObservedResource | undefined, inv: InventoryItem | undefined): ForeignOwner | undefined {
  if (obs?.state !== 'present' || !obs.ownedBy) return undefined;
  if (obs.ownedBy.by === 'application' && inv) return undefined;
  return obs.ownedBy;
}

/** `Application guestbook` (or the owner as it names itself, e.g. `Environment/prod`). */
function ownerOf(d: DesiredResource): string {
  return d.owner.includes('/') ? d.owner.replace('/', ' ') : `Application ${d.owner}`;
}

function blockedEntry(r: DesiredResource, message: string): BlockedResource {
  return { id: r.id, target: r.target, kind: r.kind, owner: r.owner, environment: r.environment, name: r.name, message };
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

const actionOrder: Record<ChangeAction, number> = { create: 0, adopt: 1, update: 2, replace: 3, repair: 4, delete: 5 };

/** Deterministic order: environment, owner, action, id (argo sorts tasks the same way every time). */
function sortChanges(changes: Change[]): Change[] {
  return changes.sort(
    (a, b) =>
      a.environment.localeCompare(b.environment) || a.owner.localeCompare(b.owner) || actionOrder[a.action] - actionOrder[b.action] || a.id.localeCompare(b.id),
  );
}
