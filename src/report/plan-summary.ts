// Counting and grouping a plan's changes, shared by every plan renderer so the three formats agree.
import type { Change, ChangeAction, Plan } from '../model/plan.js';

/** A type alias (not an interface) so it is assignable to Json. */
export type ActionCounts = {
  create: number;
  update: number;
  delete: number;
  repair: number;
  /** Deleted and created again (an immutable field changes, a sync hook runs again). */
  replace: number;
  /** Taken over from another owner. */
  adopt: number;
  /** Moves, each counted once (not as a create and a delete, nor as a change). */
  move: number;
};

/** Per-action counts of some changes. */
export function countActions(changes: Change[]): ActionCounts {
  const counts: ActionCounts = { create: 0, update: 0, delete: 0, repair: 0, replace: 0, adopt: 0, move: 0 };
  for (const c of changes) {
    if (!c.move) counts[c.action]++;
    else if (!(c.move.counterpart && c.action === 'delete')) counts.move++;
  }
  return counts;
}

/**
 * `N to create, M to change, K to delete` (terraform wording; a drift repair or an adoption is a
 * change), `, R to replace` and `, J to move` when any.
 */
export function describeCounts(c: ActionCounts): string {
  const replace = c.replace ? `, ${c.replace} to replace` : '';
  const move = c.move ? `, ${c.move} to move` : '';
  return `${c.create} to create, ${c.update + c.repair + c.adopt} to change${replace}, ${c.delete} to delete${move}`;
}

/** One line per blocked resource: `Ingress shop/web (guestbook): Ingress networking.k8s.io/v1 is not served by cluster prod (...)`. */
export function blockedLines(plan: Pick<Plan, 'blocked'>): string[] {
  return (plan.blocked ?? []).map((b) => `${b.kind === 'KubeObject' ? '' : `${b.kind} `}${b.name} (${b.owner}): ${b.message}`);
}

/** How many resources of a plan are in each observed state (the `boreas_resources{state}` metric). */
export type ResourceStates = {
  in_sync: number;
  drifted: number;
  missing: number;
  unknown: number;
};

/**
 * Resources by state, from a plan: in sync (nothing to do), missing (to create, or applied before and
 * gone), drifted (to change, repair, replace, adopt, move or delete), unknown (could not be observed).
 * One source for the metric, `plan --output json` and the daemon's API, so they cannot disagree.
 */
export function resourceStates(plan: Pick<Plan, 'changes' | 'unchanged' | 'unknown'>): ResourceStates {
  const out: ResourceStates = { in_sync: plan.unchanged, drifted: 0, missing: 0, unknown: plan.unknown.length };
  for (const c of plan.changes) {
    if (shownWithCounterpart(c)) continue;
    const gone = !c.move && (c.action === 'create' || (c.action === 'repair' && c.observed?.state !== 'present'));
    if (gone) out.missing++;
    else out.drifted++;
  }
  return out;
}

/** Whether a change is shown as part of another one: the delete half of a move across targets. */
export function shownWithCounterpart(c: Change): boolean {
  return !!c.move?.counterpart && c.action === 'delete';
}

/** `move Instance api-2: agent:node-3 → agent:node-1`, the one line a move is shown as. */
export function moveLine(c: Change): string | undefined {
  return c.move && `move ${c.kind} ${c.name}: ${c.move.from} → ${c.move.to}`;
}

/** Per-environment counts, environments sorted by name. */
export function countByEnvironment(changes: Change[]): Map<string, ActionCounts> {
  const out = new Map<string, ActionCounts>();
  for (const env of [...new Set(changes.map((c) => c.environment))].sort()) {
    out.set(env, countActions(changes.filter((c) => c.environment === env)));
  }
  return out;
}

/** Changes grouped by a key in first-seen order of the sorted keys. */
export function groupBy<K extends string>(changes: Change[], key: (c: Change) => K): Map<K, Change[]> {
  const out = new Map<K, Change[]>();
  for (const c of changes) {
    const k = key(c);
    const list = out.get(k);
    if (list) list.push(c);
    else out.set(k, [c]);
  }
  return new Map([...out.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** One line per target that could not be observed: `agent:n1: node n1: unauthorized (401): ...`. */
export function unknownTargetLines(plan: Pick<Plan, 'unknownTargets'>): string[] {
  return plan.unknownTargets.map(
    (t) => `${t.cause.message}${t.resources ? ` (${t.resources} resource${t.resources === 1 ? '' : 's'} unknown: neither pruned nor re-created)` : ''}`,
  );
}

/** The held-back deletions of the mass-delete guard, one line per environment. */
export function massDeleteLines(plan: Pick<Plan, 'massDelete'>): string[] {
  return (plan.massDelete ?? []).map(
    (m) =>
      `environment ${m.environment}: this would delete ${m.deleting} of the ${m.managed} application(s) Boreas manages there; pass --allow-mass-delete if that is meant`,
  );
}

/** The terraform-like symbol of an action. */
export const actionSymbol: Record<ChangeAction, string> = { create: '+', update: '~', delete: '-', repair: '!', replace: '-/+', adopt: '~' };

/** The symbol of a change: its action's, or `>` for a move. */
export function changeSymbol(c: Change): string {
  return c.move ? '>' : actionSymbol[c.action];
}
