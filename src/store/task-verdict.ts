// How a task's verdict maps onto rows, shared by both stores so they number attempts alike: the
// newest attempt stays on the task row, every earlier one (a retry in this run, the inline attempt
// of an earlier run) becomes a task_attempts row. A first-time success therefore writes one row.
import type { TaskAttempt, TaskVerdict } from './store.js';

/** The columns of a task row this needs (the same names in SQLite and PostgreSQL). */
export interface VerdictBase {
  attempts: number;
  last_attempt: number | null;
  last_run_id: number | null;
  last_outcome: string | null;
  last_message: string | null;
  last_started_at: string | null;
  last_finished_at: string | null;
}

export interface VerdictRows {
  /** Attempt rows to insert. */
  rows: TaskAttempt[];
  /** The attempt the task row keeps (undefined: none). */
  last?: TaskAttempt;
  /** The task's attempt count after this verdict. */
  attempts: number;
}

/** Splits a verdict into attempt rows and the task row's own attempt, given the row as stored (if any). */
export function planVerdict(existing: VerdictBase | undefined, runId: number, verdict: TaskVerdict): VerdictRows {
  const base = existing?.attempts ?? 0;
  const numbered: TaskAttempt[] = verdict.attempts.map((a, i) => ({ ...a, attempt: base + i + 1, runId }));
  const previous = existing ? keptAttempt(existing) : undefined;
  if (numbered.length === 0) return { rows: [], last: previous, attempts: base };
  // The row's earlier attempt moves out to make room for this run's newest one.
  const rows = [...(previous ? [previous] : []), ...numbered.slice(0, -1)];
  return { rows, last: numbered.at(-1), attempts: base + numbered.length };
}

/** The attempt a task row keeps, if any. */
export function keptAttempt(row: VerdictBase): TaskAttempt | undefined {
  if (row.last_attempt === null || row.last_run_id === null || row.last_outcome === null || row.last_started_at === null || row.last_finished_at === null)
    return undefined;
  const a: TaskAttempt = {
    attempt: row.last_attempt,
    runId: row.last_run_id,
    outcome: row.last_outcome as TaskAttempt['outcome'],
    startedAt: row.last_started_at,
    finishedAt: row.last_finished_at,
  };
  if (row.last_message !== null) a.message = row.last_message;
  return a;
}
