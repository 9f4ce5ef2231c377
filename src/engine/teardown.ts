// `boreas down`: deletes what the state file says Boreas applied, on this machine (or everywhere
// with --all), through the same planner and executor as reconcile, so it is recorded, ordered and
// resumable. Resources whose target cannot be observed are kept and reported, never guessed gone.
import type { Plan } from '../model/plan.js';
import { computePlan } from '../plan/compute.js';
import { planToTasks } from '../plan/tasks.js';
import { type ExecutionSummary, executeTasks } from './executor.js';
import { observeResources } from './observe.js';
import type { Session } from './session.js';
import { rememberedScope } from './target-scope.js';

export async function teardown(session: Session, opts: { all: boolean }): Promise<{ plan: Plan; summary?: ExecutionSummary }> {
  const release = await session.lock('down');
  try {
    return await teardownLocked(session, opts);
  } finally {
    await release();
  }
}

async function teardownLocked(session: Session, opts: { all: boolean }): Promise<{ plan: Plan; summary?: ExecutionSummary }> {
  const registry = session.targets(await rememberedScope(session.store), process.cwd());
  const inventory = new Map(
    (await session.store.listInventory()).filter((i) => opts.all || registry.onThisMachine(i.resource.target)).map((i) => [i.resource.id, i]),
  );
  const observed = await observeResources(
    registry,
    [...inventory.values()].map((i) => i.resource),
    new Map(),
  );
  // `down` means it: no mass-delete guard.
  const plan = computePlan({ revision: 'down', desired: [], observed, inventory, prune: true, allowMassDelete: true });
  if (plan.changes.length === 0) return { plan };
  const runId = await session.store.startRun('down', 'down');
  let summary: ExecutionSummary | undefined;
  try {
    summary = await executeTasks(planToTasks(plan, { inventory, batchSize: () => undefined }), {
      store: session.store,
      runId,
      targetFor: (key: string) => registry.get(key),
      log: session.log,
      concurrency: 4,
    });
    return { plan, summary };
  } finally {
    await session.store.finishRun(runId, !!summary && summary.failed === 0, {
      result: summary ? 'down' : 'failed',
      deleted: summary?.succeeded ?? 0,
      failed: summary?.failed ?? 0,
    });
  }
}
