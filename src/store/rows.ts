// The rows both stores keep, as their drivers hand them back (the same column names and types in
// SQLite and PostgreSQL: TEXT for timestamps and JSON, INTEGER for flags), and the one mapping of
// each to the record the store contract returns. Only the SQL differs between the two stores.
import type { Json } from '../model/json.js';
import type { Task, TaskOutcome, TaskState } from '../model/plan.js';
import type { AppRevisionRecord, AppRunEntry, RevisionRecord, RunRecord, TaskRecord } from './store.js';
import type { VerdictBase } from './task-verdict.js';

export type RunRow = {
  id: number;
  command: string;
  revision: string;
  started_at: string;
  finished_at: string | null;
  converged: number | null;
  summary: string | null;
};

export function toRunRecord(row: RunRow): RunRecord {
  const rec: RunRecord = { id: row.id, command: row.command, revision: row.revision, startedAt: row.started_at };
  if (row.finished_at !== null) rec.finishedAt = row.finished_at;
  if (row.converged !== null) rec.converged = row.converged === 1;
  if (row.summary !== null) rec.summary = JSON.parse(row.summary) as Json;
  return rec;
}

export type TaskRow = VerdictBase & {
  key: string;
  run_id: number;
  revision: string;
  resource_id: string;
  target: string;
  owner: string;
  action: string;
  state: string;
  outcome: string | null;
  message: string | null;
  depends_on: string;
  created_at: string;
  updated_at: string;
};

export function toTaskRecord(row: TaskRow): TaskRecord {
  const rec: TaskRecord = {
    key: row.key,
    runId: row.run_id,
    revision: row.revision,
    resourceId: row.resource_id,
    target: row.target,
    owner: row.owner,
    action: row.action as Task['action'],
    state: row.state as TaskState,
    attempts: row.attempts,
    dependsOn: JSON.parse(row.depends_on) as string[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (row.outcome !== null) rec.outcome = row.outcome as TaskOutcome;
  if (row.message !== null) rec.message = row.message;
  return rec;
}

export type RevisionRow = {
  sha: string;
  tree_hash: string;
  source: string;
  ref: string | null;
  seen_at: string;
  valid: number;
  subject: string | null;
  author: string | null;
  committed_at: string | null;
};

export function toRevisionRecord(row: RevisionRow): RevisionRecord {
  const rec: RevisionRecord = { sha: row.sha, treeHash: row.tree_hash, source: row.source, seenAt: row.seen_at, valid: row.valid === 1 };
  if (row.ref !== null) rec.ref = row.ref;
  if (row.subject !== null) rec.subject = row.subject;
  if (row.author !== null) rec.author = row.author;
  if (row.committed_at !== null) rec.committedAt = row.committed_at;
  return rec;
}

export type AppRevisionRow = {
  application: string;
  revision: string;
  run_id: number;
  result: string;
  at: string;
  desired_hash: string;
  changed: number | null;
};

export function toAppRevisionRecord(row: AppRevisionRow): AppRevisionRecord {
  return {
    application: row.application,
    revision: row.revision,
    runId: row.run_id,
    result: row.result,
    at: row.at,
    desiredHash: row.desired_hash,
    ...(row.changed !== null ? { changed: row.changed } : {}),
  };
}

/** One application's line inside run_applications.entries: [result, desired hash, resources changed]. */
type RunEntryTuple = [string, string, number];

/** The entries column of run_applications: one JSON object, application -> its line. */
export function encodeRunApplications(entries: AppRunEntry[]): string {
  const out: Record<string, RunEntryTuple> = {};
  for (const e of entries) out[e.application] = [e.result, e.desiredHash, e.changed];
  return JSON.stringify(out);
}

/** One application's line of a run_applications row, as the query returns it (JSON text in SQLite, parsed in PostgreSQL). */
export type RunApplicationRow = { run_id: number; revision: string; at: string; entry: string | RunEntryTuple };

/**
 * An application's history from both places it lives: lines of run_applications (one row per run)
 * and single app_revisions rows (written before that table existed), newest run first; lines of the
 * same run keep their order (app_revisions by id, newest first).
 */
export function mergeAppRevisions(application: string, runRows: RunApplicationRow[], single: AppRevisionRow[]): AppRevisionRecord[] {
  const fromRuns = runRows.map((row): AppRevisionRecord => {
    const [result, desiredHash, changed] = typeof row.entry === 'string' ? (JSON.parse(row.entry) as RunEntryTuple) : row.entry;
    return { application, revision: row.revision, runId: row.run_id, result, at: row.at, desiredHash, changed };
  });
  // A stable sort: ties (the same run) keep the order above.
  return [...fromRuns, ...single.map(toAppRevisionRecord)].sort((a, b) => b.runId - a.runId);
}
