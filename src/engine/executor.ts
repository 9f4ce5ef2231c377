// The task executor (argo sync-task style): runs a plan's tasks as a DAG with bounded concurrency,
// release batches per owner, retries and health waits, persisting each task's verdict (group-committed
// with the verdicts that finish alongside it) so that a rerun after a crash resumes: a key that
// already succeeded is never run again. Waiting, blocked and running are in-memory states (the
// progress events report them); the store gets one write per task, when it ends. A task waiting for
// its group commit does not hold a concurrency slot (at most `maxUncommitted` may wait), so one
// commit carries many verdicts; its dependents start only after it committed.
import type { Task } from '../model/plan.js';
import type { Store } from '../store/store.js';
import { CommitBatch } from './commit-batch.js';
import { assertAcyclic, localDependencies } from './dag.js';
import type { ExecuteOptions, ExecutionSummary, ExecutorEvent, TaskExecution } from './executor-types.js';
import { ReleaseBatches } from './release-batches.js';
import { defaultRetryPolicy } from './retry.js';
import { runTask, type TaskRunResult } from './run-task.js';

export type { ExecuteOptions, ExecutionSummary, ExecutorEvent, TaskExecution } from './executor-types.js';

interface Entry {
  task: Task;
  /** Holds one of the `concurrency` slots: from start until its verdict is queued for commit. */
  active?: boolean;
  owner: string;
  batch?: number;
  phase: 'waiting' | 'running' | 'done';
  /** Unfinished dependencies among the tasks given. */
  remainingDeps: number;
  dependents: Entry[];
  startedAt?: number;
  result?: TaskExecution;
}

/** Executes tasks and returns what happened to each; throws only on a malformed graph or a store failure. */
export async function executeTasks(tasks: Task[], opts: ExecuteOptions): Promise<ExecutionSummary> {
  assertAcyclic(tasks);
  const { store, log } = opts;
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  const emit = (ev: ExecutorEvent) => opts.onEvent?.(ev);
  // Two signals: `opts.signal` stops new work at once; running tasks are aborted only after the grace.
  const hard = graceAfter(opts.signal, opts.graceMs ?? 10_000);
  const batch = new CommitBatch(store);
  // A task whose successful verdict waits for its group commit gives its slot to the next task (so
  // one commit carries many verdicts), but only so many may wait: bounded work applied and not yet
  // recorded (after a kill -9, at most that many idempotent applies are repeated by the next run).
  // Dependents still start only once the verdict committed (finish runs after the commit).
  const maxUncommitted = Math.max(256, concurrency * 16);
  let active = 0;
  let wake: (() => void) | undefined;
  const release = (e: Entry) => {
    if (!e.active) return;
    e.active = false;
    active--;
    wake?.();
  };
  const runCtx = {
    store,
    runId: opts.runId,
    commit: (fn: (tx: Store) => Promise<void>, _state: TaskRunResult['state']) => batch.write(fn),
    log,
    retry: { ...defaultRetryPolicy, ...opts.retries },
    healthTimeoutMs: opts.healthTimeoutMs ?? 60_000,
    healthTimeoutFor: opts.healthTimeoutFor,
    healthIntervalMs: opts.healthIntervalMs ?? 500,
    signal: hard.signal,
    targetFor: opts.targetFor,
    resourceOf: opts.resourceOf,
    emit,
  };

  const entries = tasks.map(
    (task): Entry => ({ task, owner: task.resource.owner, batch: task.resource.batch, phase: 'waiting', remainingDeps: 0, dependents: [] }),
  );
  const byKey = new Map(entries.map((e) => [e.task.key, e]));
  const batches = new ReleaseBatches<Entry>();
  const ready: Entry[] = [];
  let readyHead = 0;
  const toCancel: Array<[Entry, string]> = [];
  const running = new Set<Promise<void>>();
  const failedByOwner = new Map<string, number>();
  const stoppedOwners: string[] = [];
  const batchSizes = new Map<string, number>();
  for (const e of entries) if (e.batch !== undefined) batchSizes.set(batchId(e), (batchSizes.get(batchId(e)) ?? 0) + 1);
  const startedBatches = new Set<string>();
  let unfinished = entries.length;
  let fatal: unknown;

  const finish = (e: Entry, r: Pick<TaskRunResult, 'state' | 'outcome' | 'message' | 'attempts'>, skipped = false) => {
    e.phase = 'done';
    unfinished--;
    e.result = {
      key: e.task.key,
      resourceId: e.task.resourceId,
      owner: e.owner,
      action: e.task.action,
      state: r.state,
      attempts: r.attempts,
      durationMs: e.startedAt ? Date.now() - e.startedAt : 0,
    };
    if (r.outcome) e.result.outcome = r.outcome;
    if (r.message) e.result.message = r.message;
    if (skipped) e.result.skipped = true;
    emit({ type: 'task-finished', result: e.result });
    if (skipped) return;
    for (const released of batches.finish(e)) ready.push(released);
    for (const d of e.dependents) {
      if (r.state === 'succeeded') {
        if (--d.remainingDeps === 0) makeReady(d);
      } else {
        toCancel.push([d, `dependency ${e.task.resourceId} ${r.state === 'failed' ? 'failed' : 'was cancelled'}`]);
      }
    }
    if (r.state === 'failed') countFailure(e.owner);
  };

  const makeReady = (e: Entry) => {
    if (e.phase !== 'waiting') return;
    if (batches.held(e)) batches.park(e);
    else ready.push(e);
  };

  const countFailure = (owner: string) => {
    const failed = (failedByOwner.get(owner) ?? 0) + 1;
    failedByOwner.set(owner, failed);
    const threshold = opts.failureThreshold?.(owner) ?? 0;
    // Only a rollout in batches can be stopped; other owners' failures are just failures.
    if (failed <= threshold || stoppedOwners.includes(owner) || !entries.some((e) => e.owner === owner && e.batch !== undefined)) return;
    stoppedOwners.push(owner);
    log.warn('release stopped: failures exceed the threshold', { owner, failed, threshold });
    emit({ type: 'owner-stopped', owner, failed, threshold });
    for (const e of entries) {
      if (e.owner === owner && e.batch !== undefined && e.phase === 'waiting')
        toCancel.push([e, `release of ${owner} stopped: ${failed} failed, threshold ${threshold}`]);
    }
  };

  const cancel = async (tx: Store, e: Entry, message: string) => {
    if (e.phase !== 'waiting') return;
    await tx.finishTask(e.task, opts.runId, e.owner, { state: 'cancelled', message, attempts: [] });
    finish(e, { state: 'cancelled', message, attempts: 0 });
  };

  const start = (e: Entry) => {
    e.phase = 'running';
    e.startedAt = Date.now();
    if (e.batch !== undefined && !startedBatches.has(batchId(e))) {
      startedBatches.add(batchId(e));
      emit({ type: 'batch-started', owner: e.owner, batch: e.batch, tasks: batchSizes.get(batchId(e))! });
    }
    e.active = true;
    active++;
    const commit = (fn: (tx: Store) => Promise<void>, state: TaskRunResult['state']) => {
      const committed = batch.write(fn);
      // A failure keeps its slot until finish() has counted it: a release past its failure threshold
      // must not start another task in the meantime.
      if (state === 'succeeded') release(e);
      return committed;
    };
    const p: Promise<void> = runTask(e.task, e.owner, { ...runCtx, commit })
      .then((r) => finish(e, r))
      .catch((err: unknown) => {
        // Only the store can fail here (targets' errors are task results): stop starting work.
        fatal ??= err;
        e.phase = 'done';
        unfinished--;
      })
      .finally(() => {
        release(e);
        running.delete(p);
        wake?.();
      });
    running.add(p);
  };

  const pump = async () => {
    if (fatal) return;
    if (opts.signal?.aborted) for (const e of entries) if (e.phase === 'waiting') toCancel.push([e, 'aborted']);
    // cancel() appends dependents to toCancel while this loop runs: a cascade without recursion.
    while (toCancel.length) {
      await store.transaction(async (tx) => {
        for (let next = toCancel.shift(); next; next = toCancel.shift()) await cancel(tx, next[0], next[1]);
      });
    }
    // An index instead of shift(): a 10,000-task plan would otherwise copy the queue per start.
    while (active < concurrency && running.size < maxUncommitted && readyHead < ready.length) {
      const e = ready[readyHead++];
      if (e.phase === 'waiting') start(e);
    }
  };

  await register(entries, byKey, opts, finish, batches);
  for (const e of entries) {
    if (e.phase !== 'waiting' || e.remainingDeps > 0) continue;
    if (batches.held(e)) batches.park(e);
    else ready.push(e);
  }

  try {
    for (;;) {
      await pump();
      if (running.size > 0) {
        // Woken by a task that ended or freed its slot (every running task does one or the other).
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
        continue;
      }
      if (fatal) throw fatal;
      if (unfinished === 0) break;
      // Nothing runs and nothing can start: a dependency points into a later batch of the same owner.
      for (const e of entries) if (e.phase === 'waiting') toCancel.push([e, 'cannot be ordered: a dependency is in a later release batch']);
    }
  } finally {
    hard.dispose();
  }
  return summarize(entries, stoppedOwners);
}

/** A signal that aborts `graceMs` after `soft` does (or never, without `soft`). */
function graceAfter(soft: AbortSignal | undefined, graceMs: number): { signal: AbortSignal; dispose(): void } {
  const ctl = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    timer = setTimeout(() => ctl.abort(soft?.reason), graceMs);
  };
  if (soft?.aborted) onAbort();
  else soft?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: ctl.signal,
    dispose: () => {
      clearTimeout(timer);
      soft?.removeEventListener('abort', onAbort);
    },
  };
}

function batchId(e: Entry): string {
  return `${e.owner}\0${e.batch}`;
}

/** Skips keys that already succeeded (reads only) and links the graph of the others. */
async function register(
  entries: Entry[],
  byKey: Map<string, Entry>,
  opts: ExecuteOptions,
  finish: (e: Entry, r: TaskRunResult, skipped: boolean) => void,
  batches: ReleaseBatches<Entry>,
): Promise<void> {
  const deps = localDependencies(entries.map((e) => e.task));
  const skipped: Array<[Entry, TaskRunResult]> = [];
  for (const e of entries) {
    const prev = await opts.store.getTask(e.task.key);
    if (prev?.state === 'succeeded')
      skipped.push([e, { state: 'succeeded', outcome: prev.outcome, message: `already succeeded in run ${prev.runId}`, attempts: 0 }]);
  }
  for (const [e, r] of skipped) finish(e, r, true);
  for (const e of entries) {
    if (e.phase !== 'waiting') continue;
    batches.add(e);
    for (const key of deps.get(e.task.key)!) {
      const dep = byKey.get(key)!;
      if (dep.phase === 'done') continue;
      e.remainingDeps++;
      dep.dependents.push(e);
    }
  }
}

function summarize(entries: Entry[], stoppedOwners: string[]): ExecutionSummary {
  const results = entries.map((e) => e.result!).filter(Boolean);
  const count = (pred: (r: TaskExecution) => boolean) => results.filter(pred).length;
  return {
    total: entries.length,
    succeeded: count((r) => r.state === 'succeeded' && !r.skipped),
    failed: count((r) => r.state === 'failed'),
    skipped: count((r) => !!r.skipped),
    cancelled: count((r) => r.state === 'cancelled'),
    results,
    stoppedOwners,
  };
}
