// Counting and grouping a plan's changes, shared by every plan renderer so the three formats agree.
import type { Change, ChangeAction, Plan } from '../model/plan.js';

export interface ActionCounts {
  create: number;
  update: number;
  delete: number;
  repair: number;
  /** Deleted and created again (an immutable field changes, a sync hook runs again). */
  replace: number;
  /** Taken over from another owner. */
  adopt: number;
}

/** Per-action counts of some changes. */
export function countActions(changes: Change[]): ActionCounts {
  const counts: ActionCounts = { create: 0, update: 0, delete: 0, repair: 0, replace: 0, adopt: 0 };
  for (const c of changes) counts[c.action]++;
  return counts;
}

/** `N to create, M to change, K to delete` (terraform wording; a drift repair or an adoption is a change), `, R to replace` when any. */
export function describeCounts(c: ActionCounts): string {
  const replace = c.replace ? `, ${c.replace} to replace` : '';
  return `${c.create} to create, ${c.update + c.repair + c.adopt} to change${replace}, ${c.delete} to delete`;
}

/** One line per blocked resource: `Ingress shop/web (guestbook): Ingress networking.k8s.io/v1 is not served by cluster prod (...)`. */
export function blockedLines(plan: Pick<Plan, 'blocked'>): string[] {
  return (plan.blocked ?? []).map((b) => `${b.kind === 'KubeObject' ? '' : `${b.kind} `}${b.name} (${b.owner}): ${b.message}`);
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
