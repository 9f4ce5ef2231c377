// Tasks keyed by idempotency key, and every attempt of each. A key that succeeded is final: the
// executor skips it, which is what makes a rerun after `kill -9` repeat no side effect.
import type { Database } from 'better-sqlite3';
import type { Task, TaskOutcome, TaskState } from '../../model/plan.js';
import type { TaskAttempt, TaskRecord, TaskVerdict } from '../store.js';
import { redact } from '../../util/redact.js';
import { keptAttempt, planVerdict } from '../task-verdict.js';
import type { SyncStore } from './sync-store.js';
import type { Clock, WriteCounter } from './write-counter.js';
import { type TaskRow, toTaskRecord } from '../rows.js';

type TasksTable = Pick<SyncStore, 'getTask' | 'upsertTask' | 'setTaskState' | 'recordAttempt' | 'finishTask' | 'listTasks' | 'listAttempts'>;

export function tasksTable(db: Database, w: WriteCounter, now: Clock): TasksTable {
  const selectTask = db.prepare('SELECT * FROM tasks WHERE key = ?');
  const insertTask = db.prepare(`
    INSERT INTO tasks (key, run_id, revision, resource_id, target, owner, action, state, attempts, depends_on, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)`);
  // Re-attaching keeps attempts (they are history) but clears the previous run's verdict.
  const reattachTask = db.prepare(
    `UPDATE tasks SET run_id = ?, state = 'pending', outcome = NULL, message = NULL, depends_on = ?, updated_at = ? WHERE key = ?`,
  );
  const updateState = db.prepare('UPDATE tasks SET state = ?, outcome = ?, message = ?, updated_at = ? WHERE key = ?');
  const bumpAttempts = db.prepare('UPDATE tasks SET attempts = attempts + 1, updated_at = ? WHERE key = ? RETURNING attempts, run_id');
  const insertAttempt = db.prepare(
    'INSERT INTO task_attempts (task_key, attempt, run_id, outcome, message, started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const selectFiltered = db.prepare(`
    SELECT * FROM tasks
    WHERE (@runId IS NULL OR run_id = @runId) AND (@revision IS NULL OR revision = @revision) AND (@state IS NULL OR state = @state)
    ORDER BY rowid`);
  const selectAttempts = db.prepare('SELECT * FROM task_attempts WHERE task_key = ? ORDER BY attempt');
  // One statement per verdict: a new key is inserted with it, a known key (an earlier run's) re-attached.
  const verdictInsert = `
    INSERT INTO tasks (key, run_id, revision, resource_id, target, owner, action, state, outcome, message, attempts, depends_on,
      created_at, updated_at, last_attempt, last_run_id, last_outcome, last_message, last_started_at, last_finished_at)
    VALUES (@key, @runId, @revision, @resourceId, @target, @owner, @action, @state, @outcome, @message, @attempts, @dependsOn,
      @at, @at, @lastAttempt, @lastRunId, @lastOutcome, @lastMessage, @lastStartedAt, @lastFinishedAt)`;
  // Most verdicts are of new keys: tried first without reading the row (no change: the key exists).
  const writeNewVerdict = db.prepare(`${verdictInsert} ON CONFLICT(key) DO NOTHING`);
  const writeVerdict = db.prepare(`${verdictInsert}
    ON CONFLICT(key) DO UPDATE SET run_id = excluded.run_id, state = excluded.state, outcome = excluded.outcome,
      message = excluded.message, attempts = excluded.attempts, depends_on = excluded.depends_on, updated_at = excluded.updated_at,
      last_attempt = excluded.last_attempt, last_run_id = excluded.last_run_id, last_outcome = excluded.last_outcome, last_message = excluded.last_message, last_started_at = excluded.last_started_at, last_finished_at = excluded.last_finished_at`);

  const getTask = (key: string): TaskRecord | undefined => {
    const row = selectTask.get(key) as TaskRow | undefined;
    return row && toTaskRecord(row);
  };

  return {
    getTask,
    upsertTask(task: Task, runId: number, owner: string): TaskRecord {
      return db.transaction(() => {
        const existing = getTask(task.key);
        const at = now().toISOString();
        if (!existing) {
          w.run(insertTask, task.key, runId, task.revision, task.resourceId, task.target, owner, task.action, JSON.stringify(task.dependsOn), at, at);
        } else if (existing.state !== 'succeeded') {
          w.run(reattachTask, runId, JSON.stringify(task.dependsOn), at, task.key);
        } else {
          return existing;
        }
        return getTask(task.key)!;
      })();
    },
    setTaskState(key: string, state: TaskState, outcome?: TaskOutcome, message?: string): void {
      const info = w.run(updateState, state, outcome ?? null, message ?? null, now().toISOString(), key);
      if (info.changes === 0) throw new Error(`setTaskState: unknown task ${key}`);
    },
    recordAttempt(key: string, outcome: TaskOutcome, message: string | undefined, startedAt: string, finishedAt: string): void {
      db.transaction(() => {
        const row = bumpAttempts.get(now().toISOString(), key) as { attempts: number; run_id: number } | undefined;
        if (!row) throw new Error(`recordAttempt: unknown task ${key}`);
        w.add(1);
        w.run(insertAttempt, key, row.attempts, row.run_id, outcome, message ?? null, startedAt, finishedAt);
      })();
    },
    finishTask(task: Task, runId: number, owner: string, verdict: TaskVerdict): void {
      const write = (existing: TaskRow | undefined, stmt: typeof writeVerdict): boolean => {
        const plan = planVerdict(existing, runId, verdict);
        const last = plan.last;
        const info = w.run(stmt, {
          key: task.key,
          runId,
          revision: task.revision,
          resourceId: task.resourceId,
          target: task.target,
          owner,
          action: task.action,
          state: verdict.state,
          outcome: verdict.outcome ?? null,
          message: verdict.message === undefined ? null : redact(verdict.message),
          attempts: plan.attempts,
          dependsOn: JSON.stringify(task.dependsOn),
          at: now().toISOString(),
          lastAttempt: last?.attempt ?? null,
          lastRunId: last?.runId ?? null,
          lastOutcome: last?.outcome ?? null,
          lastMessage: last?.message === undefined ? null : redact(last.message),
          lastStartedAt: last?.startedAt ?? null,
          lastFinishedAt: last?.finishedAt ?? null,
        });
        if (info.changes === 0) return false;
        // After the task row: a new key's attempt rows reference it.
        for (const a of plan.rows) w.run(insertAttempt, task.key, a.attempt, a.runId, a.outcome, a.message ?? null, a.startedAt, a.finishedAt);
        return true;
      };
      // A new key whose verdict has at most one attempt is a single statement, atomic on its own: no
      // savepoint (inside the executor's group commit, SAVEPOINT/RELEASE per task cost more than the insert).
      if (verdict.attempts.length <= 1 && write(undefined, writeNewVerdict)) return;
      db.transaction(() => {
        if (!write(undefined, writeNewVerdict)) write(selectTask.get(task.key) as TaskRow | undefined, writeVerdict);
      })();
    },
    listTasks(filter: { runId?: number; revision?: string; state?: TaskState }): TaskRecord[] {
      const rows = selectFiltered.all({ runId: filter.runId ?? null, revision: filter.revision ?? null, state: filter.state ?? null }) as TaskRow[];
      return rows.map(toTaskRecord);
    },
    listAttempts(key: string): TaskAttempt[] {
      type Row = { attempt: number; run_id: number; outcome: string; message: string | null; started_at: string; finished_at: string };
      const list = (selectAttempts.all(key) as Row[]).map((r) => {
        const a: TaskAttempt = { attempt: r.attempt, runId: r.run_id, outcome: r.outcome as TaskOutcome, startedAt: r.started_at, finishedAt: r.finished_at };
        if (r.message !== null) a.message = r.message;
        return a;
      });
      const row = selectTask.get(key) as TaskRow | undefined;
      const inline = row && keptAttempt(row);
      return inline ? [...list, inline].sort((a, b) => a.attempt - b.attempt) : list;
    },
  };
}
