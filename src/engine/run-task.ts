// One task's life after the scheduler picked it: persist `running` (so a crash leaves it
// unfinished and a rerun repeats it), apply with retries, wait for health, then persist the verdict
// and the inventory change in one transaction.
import type { Task, TaskOutcome } from '../model/plan.js';
import type { Store } from '../store/store.js';
import type { Target } from '../targets/target.js';
import type { Logger } from '../util/logger.js';
import type { ExecutorEvent } from './executor-types.js';
import { needsHealthWait, waitHealthy } from './health-wait.js';
import { backoffDelay, sleep, type RetryPolicy } from './retry.js';
import { TOMBSTONES, UNSETTLED } from '../plan/tasks.js';
import { DeterministicError } from '../model/errors.js';

export interface TaskRunContext {
  store: Store;
  log: Logger;
  retry: RetryPolicy;
  healthTimeoutMs: number;
  healthTimeoutFor?(owner: string): number | undefined;
  healthIntervalMs: number;
  signal?: AbortSignal;
  targetFor(key: string): Target | Promise<Target>;
  emit(ev: ExecutorEvent): void;
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
  store.setTaskState(task.key, 'running');

  let target: Target;
  try {
    target = await ctx.targetFor(task.target);
  } catch (err) {
    const message = `no target ${task.target}: ${errorMessage(err)}`;
    const now = new Date().toISOString();
    store.transaction(() => {
      store.recordAttempt(task.key, 'failed', message, now, now);
      store.setTaskState(task.key, 'failed', 'failed', message);
    });
    return { state: 'failed', outcome: 'failed', message, attempts: 1 };
  }

  for (let attempt = 1; ; attempt++) {
    ctx.emit({ type: 'task-started', attempt, ...ref });
    const startedAt = new Date().toISOString();
    let outcome: TaskOutcome;
    let message: string | undefined;
    try {
      const result = await target.apply(task);
      outcome = result.outcome;
      message = result.message;
    } catch (err) {
      message = errorMessage(err);
      store.recordAttempt(task.key, 'failed', message, startedAt, new Date().toISOString());
      // The same input fails the same way every time (an undecryptable secret, a NUL byte): no retry.
      if (err instanceof DeterministicError) return fail(message, attempt);
      if (attempt > ctx.retry.max) return fail(`${message} (after ${attempt} attempts)`, attempt);
      const delayMs = backoffDelay(attempt, ctx.retry);
      log.warn('apply failed, retrying', { attempt, delayMs, error: message });
      ctx.emit({ type: 'task-retry', attempt, delayMs, message, ...ref });
      if (!(await sleep(delayMs, ctx.signal))) return cancel('aborted while waiting to retry', attempt);
      continue;
    }
    if (outcome === 'failed') {
      store.recordAttempt(task.key, 'failed', message, startedAt, new Date().toISOString());
      return fail(message ?? 'target reported failure', attempt);
    }
    if (needsHealthWait(task.action, task.resource)) {
      ctx.emit({ type: 'task-waiting-health', ...ref });
      const waited = await waitHealthy(target, task.resource, {
        timeoutMs: ctx.healthTimeoutFor?.(task.resource.owner) ?? ctx.healthTimeoutMs,
        intervalMs: ctx.healthIntervalMs,
        signal: ctx.signal,
      });
      if (!waited.healthy) {
        // The change reached the target: it enters the inventory so prune can still find it.
        store.transaction(() => {
          store.recordAttempt(task.key, 'failed', waited.message, startedAt, new Date().toISOString());
          store.setTaskState(task.key, 'failed', 'failed', waited.message);
          store.recordApplied(task.resource, task.key, task.revision);
          // Unsettled: the next plan repairs it until a change on it becomes healthy.
          store.setKv(UNSETTLED, task.resourceId, waited.message ?? 'not healthy');
        });
        return { state: 'failed', outcome: 'failed', message: waited.message, attempts: attempt };
      }
    }
    store.transaction(() => {
      store.recordAttempt(task.key, outcome, message, startedAt, new Date().toISOString());
      store.setTaskState(task.key, 'succeeded', outcome, message);
      store.setKv(UNSETTLED, task.resourceId, undefined);
      if (task.action === 'delete') {
        store.removeFromInventory(task.resourceId);
        // Tombstone: a later re-create of the same content must not reuse the first create's key.
        store.setKv(TOMBSTONES, task.resourceId, task.key);
      } else store.recordApplied(task.resource, task.key, task.revision);
    });
    log.debug('task succeeded', { outcome, attempts: attempt });
    return { state: 'succeeded', outcome, message, attempts: attempt };
  }

  function fail(message: string, attempts: number): TaskRunResult {
    store.setTaskState(task.key, 'failed', 'failed', message);
    log.warn('task failed', { error: message, attempts });
    return { state: 'failed', outcome: 'failed', message, attempts };
  }

  function cancel(message: string, attempts: number): TaskRunResult {
    store.setTaskState(task.key, 'cancelled', undefined, message);
    return { state: 'cancelled', message, attempts };
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
