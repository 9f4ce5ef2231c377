// `boreas down`: deletes what the state file says Boreas applied on chosen targets, through the same
// planner and executor as reconcile (so it is recorded, ordered and resumable).
import type { Plan } from '../model/plan.js';
import { computePlan } from '../plan/compute.js';
import { planToTasks } from '../plan/tasks.js';
import { executeTasks, type ExecutionSummary } from './executor.js';
import { observeAll } from './observe.js';
import type { Session } from './session.js';
import { acquireStateLock } from './state-lock.js';

export async function teardown(session: Session, targetPrefix: (target: string) => boolean): Promise<{ plan: Plan; summary?: ExecutionSummary }> {
  const release = acquireStateLock(session.stateDir, 'down');
  try {
    return await teardownLocked(session, targetPrefix);
  } finally {
    release();
  }
}

async function teardownLocked(session: Session, targetPrefix: (target: string) => boolean): Promise<{ plan: Plan; summary?: ExecutionSummary }> {
  const inventory = new Map(
    session.store
      .listInventory()
      .filter((i) => targetPrefix(i.resource.target))
      .map((i) => [i.resource.id, i]),
  );
  const registry = session.targets(undefined, process.cwd());
  const observed = await observeAll(
    [...inventory.values()].map((i) => i.resource),
    registry,
    session.log,
  );
  const plan = computePlan({ revision: 'down', desired: [], observed, inventory, prune: true });
  if (plan.changes.length === 0) return { plan };
  const runId = session.store.startRun('down', 'down');
  const summary = await executeTasks(planToTasks(plan, { inventory, batchSize: () => undefined }), {
    store: session.store,
    runId,
    targetFor: (key: string) => registry.get(key),
    log: session.log,
    concurrency: 4,
  });
  session.store.finishRun(runId, summary.failed === 0, { deleted: summary.succeeded, failed: summary.failed });
  return { plan, summary };
}
