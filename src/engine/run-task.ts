// One task's life after the scheduler picked it: wait for dependencies that must be healthy now,
// apply with retries (transient errors only: a deterministic one fails at once), wait for health,
// apply a sync hook's delete policy, then persist the verdict, its attempts and the inventory change
// in one transaction (store.finishTask: one row for a task that succeeds at once). Nothing is
// written before the verdict: a crash leaves the task unrecorded, so a rerun repeats it.
import { isPermanent } from '../model/errors.js';
import type { Task, TaskOutcome } from '../model/plan.js';
import type { DesiredResource } from '../model/resource.js';
import { TOMBSTONES, UNSETTLED } from '../plan/tasks.js';
import type { AttemptInput, Store, TaskVerdict } from '../store/store.js';
import type { Target } from '../targets/target.js';
import type { Logger } from '../util/logger.js';
import type { ExecutorEvent } from './executor-types.js';
import { needsHealthWait, waitHealthy } from './health-wait.js';
import { backoffDelay, type RetryPolicy } from './retry.js';
import { sleep } from '../util/sleep.js';

export interface TaskRunContext {
  store: Store;
  log: Logger;
  retry: RetryPolicy;
  healthTimeoutMs: number;
  healthTimeoutFor?(owner: string): number | undefined;
  healthIntervalMs: number;
  /** Aborts running work (after the interrupt's grace period). */
  signal?: AbortSignal;
  targetFor(key: string): Target | Promise<Target>;
  resourceOf?(id: string): DesiredResource | undefined;
  emit(ev: ExecutorEvent): void;
  /** The run the verdicts are recorded under. */
  runId: number;
  /**
   * Runs a verdict's writes in a transaction (the executor's group commit); default store.transaction.
   * `state` is the verdict's: the executor lets only a success give up its concurrency slot before
   * the commit (a failure must be counted against a release's threshold before the next task starts).
   */
  commit?(fn: (tx: Store) => Promise<void>, state: TaskRunResult['state']): Promise<void>;
}

export interface TaskRunResult {
  state: 'succeeded' | 'failed' | 'cancelled';
  outcome?: TaskOutcome;
  message?: string;
  attempts: number;
}

export async function runTask(task: Task, owner: string, ctx: TaskRunContext): Promise<TaskRunResult> {
  const { store } = ctx;
  const ref = { key: task.key, resourceId: task.resourceId, owner, action: task.action };
  const log = ctx.log.child({ task: task.key.slice(0, 12), resource: task.resourceId, action: task.action });
  const commit = ctx.commit ?? ((fn: (tx: Store) => Promise<void>, _state: TaskRunResult['state']) => store.transaction(fn));
  const attempts: AttemptInput[] = [];
  const verdict = (tx: Store, v: Omit<TaskVerdict, 'attempts'>) => tx.finishTask(task, ctx.runId, owner, { ...v, attempts });

  let target: Target;
  try {
    target = await ctx.targetFor(task.target);
  } catch (err) {
    return await failNow(`no target ${task.target}: ${errorMessage(err)}`);
  }

  // Dependencies that need no change must still be healthy now (an earlier run may have been cut short).
  for (const id of task.waitFor ?? []) {
    const dep = ctx.resourceOf?.(id);
    if (!dep) continue;
    ctx.emit({ type: 'task-waiting-health', ...ref });
    const waited = await waitHealthy(await ctx.targetFor(dep.target), dep, {
      timeoutMs: ctx.healthTimeoutMs,
      intervalMs: ctx.healthIntervalMs,
      signal: ctx.signal,
    });
    if (!waited.healthy) {
      if (ctx.signal?.aborted) return await cancel(`interrupted while waiting for dependency ${id}`, 0);
      return await failNow(`dependency ${id} is not healthy: ${waited.message}`);
    }
  }

  for (let attempt = 1; ; attempt++) {
    ctx.emit({ type: 'task-started', attempt, ...ref });
    const startedAt = new Date().toISOString();
    let outcome: TaskOutcome;
    let message: string | undefined;
    try {
      const result = await target.apply(task, ctx.signal);
      outcome = result.outcome;
      message = result.message;
    } catch (err) {
      message = errorMessage(err);
      attempts.push({ outcome: 'failed', message, startedAt, finishedAt: new Date().toISOString() });
      // The same input fails the same way every time (an undecryptable secret, a NUL byte, a refused path): no retry.
      if (isPermanent(err)) return await fail(message, attempt);
      // Abandoned by the run's cancellation (interrupt or deadline): say so, not "waiting to retry".
      if (ctx.signal?.aborted) return await cancel(message, attempt);
      if (attempt > ctx.retry.max) return await fail(`${message} (after ${attempt} attempts)`, attempt);
      const delayMs = backoffDelay(attempt, ctx.retry);
      log.warn('apply failed, retrying', { attempt, delayMs, error: message });
      ctx.emit({ type: 'task-retry', attempt, delayMs, message, ...ref });
      if (!(await sleep(delayMs, ctx.signal))) return await cancel('interrupted while waiting to retry', attempt);
      continue;
    }
    if (outcome === 'failed') {
      attempts.push({ outcome: 'failed', message, startedAt, finishedAt: new Date().toISOString() });
      return await fail(message ?? 'target reported failure', attempt);
    }
    if (needsHealthWait(task.action, task.resource)) {
      ctx.emit({ type: 'task-waiting-health', ...ref });
      const waited = await waitHealthy(target, task.resource, {
        timeoutMs: ctx.healthTimeoutFor?.(task.resource.owner) ?? ctx.healthTimeoutMs,
        intervalMs: ctx.healthIntervalMs,
        signal: ctx.signal,
      });
      if (!waited.healthy) {
        const interrupted = !!ctx.signal?.aborted;
        if (!interrupted && task.resource.hook?.deleteOnFailure) waited.message += await deleteHook(target, task, 'it failed (HookFailed)', ctx, log);
        // The change reached the target: it enters the inventory so prune can still find it, and it
        // is unsettled: the next plan repairs it (an idempotent ensure plus this wait) until healthy.
        attempts.push({ outcome: 'failed', message: waited.message, startedAt, finishedAt: new Date().toISOString() });
        await commit(
          async (tx) => {
            await verdict(tx, interrupted ? { state: 'cancelled', message: waited.message } : { state: 'failed', outcome: 'failed', message: waited.message });
            await tx.recordApplied(task.resource, task.key, task.revision);
            await tx.setKv(UNSETTLED, task.resourceId, waited.message ?? 'not healthy');
          },
          interrupted ? 'cancelled' : 'failed',
        );
        return interrupted
          ? { state: 'cancelled', message: waited.message, attempts: attempt }
          : { state: 'failed', outcome: 'failed', message: waited.message, attempts: attempt };
      }
    }
    if (task.action !== 'delete' && task.resource.hook?.deleteOnSuccess)
      message = (message ?? 'applied') + (await deleteHook(target, task, 'it succeeded (HookSucceeded)', ctx, log));
    attempts.push({ outcome, message, startedAt, finishedAt: new Date().toISOString() });
    await commit(async (tx) => {
      await verdict(tx, { state: 'succeeded', outcome, message });
      await tx.setKv(UNSETTLED, task.resourceId, undefined);
      if (task.action === 'delete') {
        await tx.removeFromInventory(task.resourceId);
        // Tombstone: a later re-create of the same content must not reuse the first create's key.
        await tx.setKv(TOMBSTONES, task.resourceId, task.key);
      } else await tx.recordApplied(task.resource, task.key, task.revision);
    }, 'succeeded');
    log.debug('task succeeded', { outcome, attempts: attempt });
    return { state: 'succeeded', outcome, message, attempts: attempt };
  }

  async function failNow(message: string): Promise<TaskRunResult> {
    const now = new Date().toISOString();
    attempts.push({ outcome: 'failed', message, startedAt: now, finishedAt: now });
    await commit((tx) => verdict(tx, { state: 'failed', outcome: 'failed', message }), 'failed');
    return { state: 'failed', outcome: 'failed', message, attempts: 1 };
  }

  async function fail(message: string, made: number): Promise<TaskRunResult> {
    await commit((tx) => verdict(tx, { state: 'failed', outcome: 'failed', message }), 'failed');
    log.warn('task failed', { error: message, attempts: made });
    return { state: 'failed', outcome: 'failed', message, attempts: made };
  }

  async function cancel(message: string, made: number): Promise<TaskRunResult> {
    await commit((tx) => verdict(tx, { state: 'cancelled', message }), 'cancelled');
    return { state: 'cancelled', message, attempts: made };
  }
}

/**
 * A sync hook's delete policy: the hook is deleted once it settled. It stays in the inventory with the
 * spec it ran with, so the planner counts it as in sync until its owner syncs again (plan/hooks.ts).
 * A failed deletion is reported, not fatal: the hook ran.
 */
async function deleteHook(target: Target, task: Task, why: string, ctx: TaskRunContext, log: Logger): Promise<string> {
  try {
    const r = await target.apply({ ...task, action: 'delete' }, ctx.signal);
    if (r.outcome !== 'failed') return `; deleted because ${why}`;
    log.warn('hook not deleted', { error: r.message });
    return `; not deleted although ${why}: ${r.message ?? 'failed'}`;
  } catch (err) {
    log.warn('hook not deleted', { error: errorMessage(err) });
    return `; not deleted although ${why}: ${errorMessage(err)}`;
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
