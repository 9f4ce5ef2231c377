// The rows both stores keep, as their drivers hand them back (the same column names and types in
// SQLite and PostgreSQL: TEXT for timestamps and JSON, INTEGER for flags), and the one mapping of
// each to the record the store contract returns. Only the SQL differs between the two stores.
import type { Json } from '../model/json.js';
import type { Task, TaskOutcome, TaskState } from '../model/plan.js';
import type { AppRevisionRecord, RevisionRecord, RunRecord, TaskRecord } from './store.js';
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
