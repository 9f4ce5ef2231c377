// Runs, tasks and their attempts, per-application history and the audit log: the statements of
// ../sqlite/runs.ts, tasks.ts and history.ts in PostgreSQL's dialect. A task key is the primary key,
// so an idempotency key exists once in the database whichever replica recorded it.
import type { Json } from '../../model/json.js';
import type { Task, TaskOutcome, TaskState } from '../../model/plan.js';
import type { AppRevisionRecord, AppRunEntry, AuditEvent, RunRecord, Store, StoredAuditEvent, TaskAttempt, TaskRecord, TaskVerdict } from '../store.js';
import { keptAttempt, planVerdict, type VerdictBase } from '../task-verdict.js';
import type { Queryable, TableContext } from './db.js';
import {
  type AppRevisionRow,
  encodeRunApplications,
  mergeAppRevisions,
  type RunApplicationRow,
  type RunRow,
  type TaskRow,
  toRunRecord,
  toTaskRecord,
} from '../rows.js';

type RunTaskMethods = Pick<
  Store,
  | 'startRun'
  | 'finishRun'
  | 'listRuns'
  | 'getTask'
  | 'upsertTask'
  | 'setTaskState'
  | 'recordAttempt'
  | 'finishTask'
  | 'listTasks'
  | 'listAttempts'
  | 'recordAppRevision'
  | 'recordAppRevisions'
  | 'listAppRevisions'
  | 'audit'
  | 'listAudit'
>;

const taskColumns = 'key, run_id, revision, resource_id, target, owner, action, state, outcome, message, attempts, depends_on, created_at, updated_at';

export function runTaskTables(c: TableContext): RunTaskMethods {
  const { db, w, now } = c;
  const getTask = async (q: Queryable, key: string) => {
    const row = (await q.query<TaskRow>(`SELECT ${taskColumns} FROM tasks WHERE key = $1`, [key])).rows[0];
    return row && toTaskRecord(row);
  };
  return {
    async startRun(command: string, revision: string): Promise<number> {
      const r = await c.write((q) =>
        w.run<{ id: number }>(q, 'INSERT INTO runs (command, revision, started_at) VALUES ($1, $2, $3) RETURNING id', [command, revision, now().toISOString()]),
      );
      return r.rows[0].id;
    },
    async finishRun(runId: number, converged: boolean, summary: Json): Promise<void> {
      await c.write((q) =>
        w.run(q, 'UPDATE runs SET finished_at = $1, converged = $2, summary = $3 WHERE id = $4', [
          now().toISOString(),
          converged ? 1 : 0,
          JSON.stringify(summary),
          runId,
        ]),
      );
    },
    async listRuns(limit = 20): Promise<RunRecord[]> {
      const rows = (await db.query<RunRow>('SELECT * FROM runs ORDER BY id DESC LIMIT $1', [limit])).rows;
      return rows.map(toRunRecord);
    },
    getTask: (key) => getTask(db, key),
    async upsertTask(task: Task, runId: number, owner: string): Promise<TaskRecord> {
      return c.write(async (q) => {
        const at = now().toISOString();
        // Row-locked: two replicas racing on one key see one insert and one re-attach, never two rows.
        const existing = (await q.query<{ state: string }>('SELECT state FROM tasks WHERE key = $1 FOR UPDATE', [task.key])).rows[0];
        if (!existing) {
          await w.run(
            q,
            `INSERT INTO tasks (key, run_id, revision, resource_id, target, owner, action, state, attempts, depends_on, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $8, $9, $10)`,
            [task.key, runId, task.revision, task.resourceId, task.target, owner, task.action, JSON.stringify(task.dependsOn), at, at],
          );
        } else if (existing.state !== 'succeeded') {
          // Re-attaching keeps attempts (they are history) but clears the previous run's verdict.
          await w.run(q, `UPDATE tasks SET run_id = $1, state = 'pending', outcome = NULL, message = NULL, depends_on = $2, updated_at = $3 WHERE key = $4`, [
            runId,
            JSON.stringify(task.dependsOn),
            at,
            task.key,
          ]);
        }
        return (await getTask(q, task.key))!;
      });
    },
    async setTaskState(key: string, state: TaskState, outcome?: TaskOutcome, message?: string): Promise<void> {
      const r = await c.write((q) =>
        w.run(q, 'UPDATE tasks SET state = $1, outcome = $2, message = $3, updated_at = $4 WHERE key = $5', [
          state,
          outcome ?? null,
          message ?? null,
          now().toISOString(),
          key,
        ]),
      );
      if (r.rowCount === 0) throw new Error(`setTaskState: unknown task ${key}`);
    },
    async recordAttempt(key: string, outcome: TaskOutcome, message: string | undefined, startedAt: string, finishedAt: string): Promise<void> {
      await c.write(async (q) => {
        const row = (
          await q.query<{ attempts: number; run_id: number }>(
            'UPDATE tasks SET attempts = attempts + 1, updated_at = $1 WHERE key = $2 RETURNING attempts, run_id',
            [now().toISOString(), key],
          )
        ).rows[0];
        if (!row) throw new Error(`recordAttempt: unknown task ${key}`);
        w.add(1);
        await w.run(q, 'INSERT INTO task_attempts (task_key, attempt, run_id, outcome, message, started_at, finished_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
          key,
          row.attempts,
          row.run_id,
          outcome,
          message ?? null,
          startedAt,
          finishedAt,
        ]);
      });
    },
    async finishTask(task: Task, runId: number, owner: string, verdict: TaskVerdict): Promise<void> {
      await c.write(async (q) => {
        // Row-locked like upsertTask: two replicas finishing one key number its attempts once.
        const existing = (
          await q.query<VerdictBase>(
            'SELECT attempts, last_attempt, last_run_id, last_outcome, last_message, last_started_at, last_finished_at FROM tasks WHERE key = $1 FOR UPDATE',
            [task.key],
          )
        ).rows[0];
        const plan = planVerdict(existing, runId, verdict);
        const last = plan.last;
        const at = now().toISOString();
        await w.run(
          q,
          `INSERT INTO tasks (key, run_id, revision, resource_id, target, owner, action, state, outcome, message, attempts, depends_on,
             created_at, updated_at, last_attempt, last_run_id, last_outcome, last_message, last_started_at, last_finished_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, $15, $16, $17, $18, $19)
           ON CONFLICT (key) DO UPDATE SET run_id = excluded.run_id, state = excluded.state, outcome = excluded.outcome,
             message = excluded.message, attempts = excluded.attempts, depends_on = excluded.depends_on, updated_at = excluded.updated_at,
             last_attempt = excluded.last_attempt, last_run_id = excluded.last_run_id, last_outcome = excluded.last_outcome,
             last_message = excluded.last_message, last_started_at = excluded.last_started_at, last_finished_at = excluded.last_finished_at`,
          [
            task.key,
            runId,
            task.revision,
            task.resourceId,
            task.target,
            owner,
            task.action,
            verdict.state,
            verdict.outcome ?? null,
            verdict.message ?? null,
            plan.attempts,
            JSON.stringify(task.dependsOn),
            at,
            last?.attempt ?? null,
            last?.runId ?? null,
            last?.outcome ?? null,
            last?.message ?? null,
            last?.startedAt ?? null,
            last?.finishedAt ?? null,
          ],
        );
        // After the task row: a new key's attempt rows reference it.
        for (const a of plan.rows)
          await w.run(
            q,
            'INSERT INTO task_attempts (task_key, attempt, run_id, outcome, message, started_at, finished_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
            [task.key, a.attempt, a.runId, a.outcome, a.message ?? null, a.startedAt, a.finishedAt],
          );
      });
    },
    async listTasks(filter: { runId?: number; revision?: string; state?: TaskState }): Promise<TaskRecord[]> {
      const rows = (
        await db.query<TaskRow>(
          `SELECT ${taskColumns} FROM tasks
           WHERE ($1::integer IS NULL OR run_id = $1) AND ($2::text IS NULL OR revision = $2) AND ($3::text IS NULL OR state = $3)
           ORDER BY seq`,
          [filter.runId ?? null, filter.revision ?? null, filter.state ?? null],
        )
      ).rows;
      return rows.map(toTaskRecord);
    },
    async listAttempts(key: string): Promise<TaskAttempt[]> {
      type Row = { attempt: number; run_id: number; outcome: string; message: string | null; started_at: string; finished_at: string };
      const rows = (await db.query<Row>('SELECT * FROM task_attempts WHERE task_key = $1 ORDER BY attempt', [key])).rows;
      const list = rows.map((r) => {
        const a: TaskAttempt = { attempt: r.attempt, runId: r.run_id, outcome: r.outcome as TaskOutcome, startedAt: r.started_at, finishedAt: r.finished_at };
        if (r.message !== null) a.message = r.message;
        return a;
      });
      const row = (
        await db.query<VerdictBase>(
          'SELECT attempts, last_attempt, last_run_id, last_outcome, last_message, last_started_at, last_finished_at FROM tasks WHERE key = $1',
          [key],
        )
      ).rows[0];
      const inline = row && keptAttempt(row);
      return inline ? [...list, inline].sort((a, b) => a.attempt - b.attempt) : list;
    },
    async recordAppRevision(rec: Omit<AppRevisionRecord, 'at'>): Promise<void> {
      await c.write((q) =>
        w.run(q, 'INSERT INTO app_revisions (application, revision, run_id, result, desired_hash, at, changed) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
          rec.application,
          rec.revision,
          rec.runId,
          rec.result,
          rec.desiredHash,
          now().toISOString(),
          rec.changed ?? null,
        ]),
      );
    },
    async recordAppRevisions(runId: number, revision: string, entries: AppRunEntry[]): Promise<void> {
      if (!entries.length) return;
      await c.write((q) =>
        w.run(q, 'INSERT INTO run_applications (run_id, revision, entries, at) VALUES ($1, $2, $3, $4)', [
          runId,
          revision,
          encodeRunApplications(entries),
          now().toISOString(),
        ]),
      );
    },
    async listAppRevisions(application: string): Promise<AppRevisionRecord[]> {
      const runs = (
        await db.query<RunApplicationRow>(
          `SELECT run_id, revision, at, entry FROM (SELECT run_id, revision, at, entries::jsonb -> $1 AS entry FROM run_applications) r
           WHERE entry IS NOT NULL ORDER BY run_id DESC`,
          [application],
        )
      ).rows;
      const rows = (await db.query<AppRevisionRow>('SELECT * FROM app_revisions WHERE application = $1 ORDER BY id DESC', [application])).rows;
      return mergeAppRevisions(application, runs, rows);
    },
    async audit(event: AuditEvent): Promise<void> {
      await c.write((q) =>
        w.run(q, 'INSERT INTO audit_events (at, type, subject, message, data) VALUES ($1, $2, $3, $4, $5)', [
          now().toISOString(),
          event.type,
          event.subject,
          event.message,
          event.data === undefined ? null : JSON.stringify(event.data),
        ]),
      );
    },
    async listAudit(subject?: string, limit = 100): Promise<StoredAuditEvent[]> {
      type Row = { id: number; at: string; type: string; subject: string; message: string; data: string | null };
      const rows = (
        await db.query<Row>('SELECT * FROM audit_events WHERE ($1::text IS NULL OR subject = $1) ORDER BY id DESC LIMIT $2', [subject ?? null, limit])
      ).rows;
      return rows.map((r) => {
        const ev: StoredAuditEvent = { id: r.id, at: r.at, type: r.type, subject: r.subject, message: r.message };
        if (r.data !== null) ev.data = JSON.parse(r.data) as Json;
        return ev;
      });
    },
  };
}
