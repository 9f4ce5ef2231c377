// Changes → tasks. Each task's idempotency key hashes the target, the resource, the action, the
// desired content, what was observed, and the key of the last task that succeeded on the resource.
// So: the same work is recognised after a crash (same key → not repeated once succeeded), while a
// repair of identical content after a later failure (process killed again) is a new key.
import type { Change, Plan, Task } from '../model/plan.js';
import type { DesiredResource } from '../model/resource.js';
import type { InventoryItem } from '../model/inventory.js';
import { hashJson } from '../util/hash.js';

/** Store kv namespace of the key of the last delete per resource id (see taskKey). */
export const TOMBSTONES = 'task-tombstones';
/** Store kv namespace of resources whose last change did not become healthy (planned as repairs). */
export const UNSETTLED = 'unsettled';

export interface TaskOptions {
  inventory: Map<string, InventoryItem>;
  /** Key of the delete that last removed a resource no longer in the inventory (store kv TOMBSTONES). */
  tombstone?(resourceId: string): string | undefined;
  /** Rollout batch size per owner (Release strategy.batchSize); undefined = one batch. */
  batchSize(owner: string): number | undefined;
  /** Whether a resource was observed healthy in this pass (dependencies that are not changing but not healthy gate their dependents). */
  healthy?(resourceId: string): boolean;
  /**
   * A desired resource by id. With it, ordering reaches through resources that do not change: a
   * change waits for the nearest changing resources it depends on, directly or not (a wave that does
   * not change sits between a re-run PreSync hook and the wave after it).
   */
  resourceOf?(resourceId: string): DesiredResource | undefined;
}

export function taskKey(change: Change, resource: DesiredResource, previousKey: string | undefined): string {
  return hashJson({
    target: change.target,
    id: change.id,
    action: change.action,
    hash: change.action === 'delete' ? null : resource.hash,
    observed: change.observed?.fingerprint ?? change.observed?.state ?? 'absent',
    previous: previousKey ?? null,
  });
}

export function planToTasks(plan: Plan, opts: TaskOptions): Task[] {
  const keyById = new Map<string, string>();
  const tasks: Task[] = [];
  for (const change of plan.changes) {
    const inv = opts.inventory.get(change.id);
    const resource = change.desired ?? inv?.resource;
    if (!resource) continue;
    const key = taskKey(change, resource, inv?.lastTaskKey ?? opts.tombstone?.(change.id));
    keyById.set(change.id, key);
    tasks.push({ key, revision: plan.revision, resourceId: change.id, target: change.target, action: change.action, resource, dependsOn: [] });
  }
  // Dependencies: a resource's declared dependsOn (only those changing in this plan need waiting for);
  // deletes run in reverse: what depended on a deleted resource is deleted first.
  const byId = new Map(tasks.map((t) => [t.resourceId, t]));
  for (const t of tasks) {
    if (t.action === 'delete') continue;
    t.dependsOn = nearestTasks(t.resource.dependsOn, byId, keyById, opts.resourceOf);
    // A dependency with no task in this plan still has to be healthy now, whatever an earlier run did.
    const gates = t.resource.dependsOn.filter((id) => !byId.has(id) && opts.healthy && !opts.healthy(id));
    if (gates.length) t.waitFor = gates;
  }
  for (const t of tasks) {
    if (t.action !== 'delete') continue;
    for (const dep of t.resource.dependsOn) {
      const depTask = byId.get(dep);
      if (depTask?.action === 'delete') depTask.dependsOn.push(t.key);
    }
  }
  assignBatches(tasks, opts);
  return tasks;
}

/** Keys of the tasks (not deletes) a resource waits for: its dependencies', or theirs when they have none. */
function nearestTasks(ids: string[], byId: Map<string, Task>, keyById: Map<string, string>, resourceOf: TaskOptions['resourceOf']): string[] {
  const out = new Set<string>();
  const seen = new Set<string>();
  const queue = [...ids];
  while (queue.length) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const task = byId.get(id);
    if (task) {
      if (task.action !== 'delete') out.add(keyById.get(id)!);
      continue;
    }
    for (const dep of resourceOf?.(id)?.dependsOn ?? []) queue.push(dep);
  }
  return [...out];
}

/**
 * Release batches: changed instances of one owner are grouped by ordinal into batches of batchSize;
 * a file task rides in the batch of its instance. Resources are copied, never mutated in place.
 */
function assignBatches(tasks: Task[], opts: TaskOptions): void {
  const byOwner = new Map<string, Task[]>();
  for (const t of tasks)
    if (t.resource.kind === 'Instance' && t.action !== 'delete')
      (byOwner.get(t.resource.owner) ?? byOwner.set(t.resource.owner, []).get(t.resource.owner)!).push(t);
  const batchOfInstance = new Map<string, number>();
  for (const [owner, list] of byOwner) {
    const size = opts.batchSize(owner);
    if (!size) continue;
    list.sort((a, b) => ordinal(a) - ordinal(b));
    list.forEach((t, i) => batchOfInstance.set(t.resourceId, Math.floor(i / size)));
  }
  if (batchOfInstance.size === 0) return;
  const instanceOfFile = new Map<string, string>();
  for (const t of tasks) if (t.resource.kind === 'Instance') for (const dep of t.resource.dependsOn) instanceOfFile.set(dep, t.resourceId);
  for (const t of tasks) {
    const instance = t.resource.kind === 'File' ? instanceOfFile.get(t.resourceId) : t.resourceId;
    const batch = instance === undefined ? undefined : batchOfInstance.get(instance);
    if (batch !== undefined) t.resource = { ...t.resource, batch };
  }
}

function ordinal(t: Task): number {
  const spec = t.resource.spec as { ordinal?: number } | null;
  return spec?.ordinal ?? 0;
}
