// `boreas plan --output json`: one stable object. Keys are fixed and always present so scripts can
// rely on them; secrets are masked exactly as in the text form.
import type { Change, Plan } from '../model/plan.js';
import type { Json } from '../model/resource.js';
import { viewChange } from './change-view.js';
import { countActions, countByEnvironment, resourceStates, type ActionCounts, type ResourceStates } from './plan-summary.js';

export type PlanJsonChange = {
  action: Change['action'];
  reason: Change['reason'];
  message: string;
  id: string;
  target: string;
  kind: Change['kind'];
  owner: string;
  environment: string;
  name: string;
  fields: Array<{ path: string; before?: Json; after?: Json }>;
  textDiffs: Record<string, string>;
  /** Why no task runs for it in this pass (reconcile applies it in a later one). */
  deferred?: string;
  /** Set when the change is (half of) a move: `from` → `to`, and the id of the other half. */
  move?: { from: string; to: string; counterpart?: string };
};

export type PlanJson = {
  revision: string;
  summary: ActionCounts & { unchanged: number };
  /** Resources by observed state (what `boreas_resources{state}` exports). */
  resources: ResourceStates;
  byEnvironment: Record<string, ActionCounts>;
  changes: PlanJsonChange[];
  /** Resources kept because of --no-prune. */
  orphans: PlanJsonChange[];
  /** Resources that could not be observed (never "no changes" while any is listed). */
  unknown: Array<{ id: string; target: string; kind: string; owner: string; name: string; desired: boolean; reason: string; message: string }>;
  unknownTargets: Array<{ target: string; reason: string; message: string; resources: number }>;
  /** Environments whose deletions the mass-delete guard holds back. */
  massDelete: Array<{ environment: string; deleting: number; managed: number }>;
  /** Desired resources that cannot be applied now (their kind is not served, another owner manages them). */
  blocked: Array<{ id: string; target: string; kind: string; owner: string; environment: string; name: string; message: string }>;
};

/** The plan as a JSON-ready object; `extra` keys (e.g. `base`) are added at the top level. */
export function renderPlanJson(plan: Plan, extra: Record<string, Json> = {}): PlanJson & Record<string, Json | undefined> {
  return {
    ...extra,
    revision: plan.revision,
    summary: { ...countActions(plan.changes), unchanged: plan.unchanged },
    resources: resourceStates(plan),
    byEnvironment: Object.fromEntries(countByEnvironment(plan.changes)),
    changes: plan.changes.map(changeJson),
    orphans: plan.orphans.map(changeJson),
    unknown: plan.unknown.map((u) => ({
      id: u.id,
      target: u.target,
      kind: u.kind,
      owner: u.owner,
      name: u.name,
      desired: u.desired,
      reason: u.cause.reason,
      message: u.cause.message,
    })),
    unknownTargets: plan.unknownTargets.map((t) => ({ target: t.target, reason: t.cause.reason, message: t.cause.message, resources: t.resources })),
    massDelete: (plan.massDelete ?? []).map((m) => ({ ...m })),
    blocked: (plan.blocked ?? []).map((b) => ({ ...b })),
  };
}

function changeJson(c: Change): PlanJsonChange {
  const view = viewChange(c);
  return {
    action: c.action,
    reason: c.reason,
    message: c.message,
    id: c.id,
    target: c.target,
    kind: c.kind,
    owner: c.owner,
    environment: c.environment,
    name: c.name,
    fields: view.fields.map(({ label: _label, ...f }) => f),
    textDiffs: view.textDiffs,
    ...(c.deferred ? { deferred: c.deferred } : {}),
    ...(c.move ? { move: { ...c.move } } : {}),
  };
}
