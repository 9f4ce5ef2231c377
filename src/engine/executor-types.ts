// Types of the task executor: its options, progress events and summary (shared by reconcile, down,
// rollback, the daemon and the report renderers).
import type { ChangeAction, TaskOutcome, TaskState } from '../model/plan.js';
import type { DesiredResource } from '../model/resource.js';
import type { Store } from '../store/store.js';
import type { Target } from '../targets/target.js';
import type { Logger } from '../util/logger.js';
import type { RetryPolicy } from './retry.js';

export interface ExecuteOptions {
  store: Store;
  /** Run the tasks are recorded under (from store.startRun). */
  runId: number;
  /** Target instance for a task's `target` key (TargetRegistry.get returns a promise). */
  targetFor(key: string): Target | Promise<Target>;
  /** The desired resource of an id (for a task's `waitFor` health gates). */
  resourceOf?(id: string): DesiredResource | undefined;
  log: Logger;
  /** Tasks applied at once (default 4). A task waiting for health holds its slot. */
  concurrency?: number;
  /** Retries of apply errors (thrown, not a returned `failed` outcome). Default max 3, base 200ms, cap 10s. */
  retries?: Partial<RetryPolicy>;
  /** How long a changed resource has to become Healthy (default 60s). */
  healthTimeoutMs?: number;
  /** Per-owner health timeout (Release strategy.timeoutSeconds); falls back to healthTimeoutMs. */
  healthTimeoutFor?(owner: string): number | undefined;
  /** Health poll interval (default 500ms). */
  healthIntervalMs?: number;
  /** Failed tasks an owner tolerates before its release stops (Release strategy.failureThreshold; default 0). */
  failureThreshold?(owner: string): number;
  /** Aborting cancels tasks not started yet; tasks already running get `graceMs`, then are aborted too. */
  signal?: AbortSignal;
  /** Grace period for running tasks after `signal` aborts (default 10 s). */
  graceMs?: number;
  /** Progress (task started/retried/finished, batch started, owner stopped). */
  onEvent?(ev: ExecutorEvent): void;
}

/** What happened to one task in this execution. */
export interface TaskExecution {
  key: string;
  resourceId: string;
  owner: string;
  action: ChangeAction;
  /** Final state; a task skipped because its key already succeeded reports `succeeded` with skipped set. */
  state: TaskState;
  outcome?: TaskOutcome;
  message?: string;
  /** Apply attempts made in this execution (0 when skipped or cancelled before starting). */
  attempts: number;
  durationMs: number;
  /** The key had already succeeded in an earlier run: nothing was done. */
  skipped?: boolean;
}

export interface ExecutionSummary {
  total: number;
  /** Ran and succeeded now (skipped ones not included). */
  succeeded: number;
  failed: number;
  skipped: number;
  cancelled: number;
  results: TaskExecution[];
  /** Owners whose failed tasks exceeded their threshold; their remaining batches were cancelled. */
  stoppedOwners: string[];
}

type TaskRef = { key: string; resourceId: string; owner: string; action: ChangeAction };

export type ExecutorEvent =
  | ({ type: 'task-started'; attempt: number } & TaskRef)
  | ({ type: 'task-retry'; attempt: number; delayMs: number; message: string } & TaskRef)
  | ({ type: 'task-waiting-health' } & TaskRef)
  | { type: 'task-finished'; result: TaskExecution }
  | { type: 'batch-started'; owner: string; batch: number; tasks: number }
  | { type: 'owner-stopped'; owner: string; failed: number; threshold: number };
