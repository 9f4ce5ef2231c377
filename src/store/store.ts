// The state store contract. SQLite (store/sqlite/) is the embedded default, PostgreSQL
// (store/postgres/) the shared one for several daemon replicas. Every method returns a Promise so a
// networked database can implement it; the contract suite (test/store/contract/) runs against both.
import type { InventoryItem } from '../model/inventory.js';
import type { DesiredResource, Json, ObservedResource } from '../model/resource.js';
import type { Task, TaskOutcome, TaskState } from '../model/plan.js';

export interface RevisionRecord {
  /** Commit SHA, or `worktree:<hash>` for an uncommitted local directory. */
  sha: string;
  /** Hash of the manifests tree (git tree SHA of --path, or a hash of blob SHAs). */
  treeHash: string;
  source: string;
  ref?: string;
  /** ISO timestamp of first sight. */
  seenAt: string;
  valid: boolean;
  /** First line of the commit message (absent for an uncommitted working tree). */
  subject?: string;
  /** The commit author's name. */
  author?: string;
  /** The commit's author time, ISO. */
  committedAt?: string;
}

export interface TaskRecord {
  key: string;
  runId: number;
  revision: string;
  resourceId: string;
  target: string;
  owner: string;
  action: Task['action'];
  state: TaskState;
  outcome?: TaskOutcome;
  message?: string;
  attempts: number;
  dependsOn: string[];
  createdAt: string;
  updatedAt: string;
}

export interface RunRecord {
  id: number;
  command: string;
  revision: string;
  startedAt: string;
  finishedAt?: string;
  converged?: boolean;
  summary?: Json;
}

/** One line of `boreas history <app>`. */
export interface AppRevisionRecord {
  application: string;
  revision: string;
  runId: number;
  /** succeeded | failed | unchanged | rolled-back */
  result: string;
  at: string;
  /** Hash of the app's desired resources at that revision (same hash = same desired state). */
  desiredHash: string;
  /**
   * Tasks of the run that changed one of the app's resources (created, configured, deleted): a
   * restarted instance counts. Absent on rows recorded before this was kept.
   */
  changed?: number;
}

/** One application's line in a run's history (store.recordAppRevisions). */
export type AppRunEntry = Pick<AppRevisionRecord, 'application' | 'result' | 'desiredHash'> & { changed: number };

export interface AuditEvent {
  type: string;
  subject: string;
  message: string;
  data?: Json;
}

/** One stored audit event, with the time and sequence number the store gave it. */
export interface StoredAuditEvent extends AuditEvent {
  id: number;
  at: string;
}

/** One apply attempt as the executor saw it (the store numbers it). */
export interface AttemptInput {
  outcome: TaskOutcome;
  message?: string;
  startedAt: string;
  finishedAt: string;
}

/** A task's verdict, written once when the task ends (finishTask). */
export interface TaskVerdict {
  state: 'succeeded' | 'failed' | 'cancelled';
  outcome?: TaskOutcome;
  message?: string;
  /** The apply attempts of this execution, oldest first (none when cancelled before starting). */
  attempts: AttemptInput[];
}

/** One recorded attempt of a task. */
export interface TaskAttempt {
  attempt: number;
  runId: number;
  outcome: TaskOutcome;
  message?: string;
  startedAt: string;
  finishedAt: string;
}

export interface Store {
  // --- revisions and desired snapshots
  recordRevision(rev: RevisionRecord): Promise<void>;
  getRevision(sha: string): Promise<RevisionRecord | undefined>;
  /** Stores the desired resources of a revision once (no-op when already stored). */
  saveDesired(revision: string, resources: DesiredResource[]): Promise<void>;
  loadDesired(revision: string): Promise<DesiredResource[] | undefined>;

  // --- inventory (what was applied)
  listInventory(target?: string): Promise<InventoryItem[]>;
  recordApplied(resource: DesiredResource, taskKey: string, revision: string): Promise<void>;
  removeFromInventory(resourceId: string): Promise<void>;

  // --- observed state cache (written only when it changed)
  saveObserved(observed: ObservedResource[]): Promise<void>;
  listObserved(): Promise<ObservedResource[]>;

  // --- runs, tasks and attempts
  startRun(command: string, revision: string): Promise<number>;
  finishRun(runId: number, converged: boolean, summary: Json): Promise<void>;
  listRuns(limit?: number): Promise<RunRecord[]>;
  getTask(key: string): Promise<TaskRecord | undefined>;
  /** Inserts a task (state pending) or, when the key exists and did not succeed, re-attaches it to this run. */
  upsertTask(task: Task, runId: number, owner: string): Promise<TaskRecord>;
  setTaskState(key: string, state: TaskState, outcome?: TaskOutcome, message?: string): Promise<void>;
  /** Records one attempt of a task (attempt number is counted by the store). */
  recordAttempt(key: string, outcome: TaskOutcome, message: string | undefined, startedAt: string, finishedAt: string): Promise<void>;
  /**
   * Writes a task with its verdict in one row (inserted, or the row of an earlier run re-attached):
   * the last attempt is kept on the task row itself, earlier ones (retries, earlier runs) as attempt
   * rows. The executor's path: a task that succeeds first time costs one row, not one per state.
   */
  finishTask(task: Task, runId: number, owner: string, verdict: TaskVerdict): Promise<void>;
  listTasks(filter: { runId?: number; revision?: string; state?: TaskState }): Promise<TaskRecord[]>;

  // --- per-application history
  recordAppRevision(rec: Omit<AppRevisionRecord, 'at'>): Promise<void>;
  /**
   * The history lines of one run for many applications, stored as one row (a first reconcile of
   * 10,000 applications is one write, not 10,000); listAppRevisions returns them like single lines.
   * At most once per run.
   */
  recordAppRevisions(runId: number, revision: string, entries: AppRunEntry[]): Promise<void>;
  listAppRevisions(application: string): Promise<AppRevisionRecord[]>;

  // --- audit log and small key/value blobs (certificates, ACME account key, pins)
  audit(event: AuditEvent): Promise<void>;
  getKv(namespace: string, key: string): Promise<string | undefined>;
  setKv(namespace: string, key: string, value: string | undefined): Promise<void>;
  /** Every key of a namespace with its value (small namespaces: unsettled resources, pins). */
  listKv(namespace: string): Promise<Map<string, string>>;
  /** Newest audit events first, optionally for one subject. */
  listAudit(subject?: string, limit?: number): Promise<StoredAuditEvent[]>;
  /** Every recorded attempt of a task, oldest first. */
  listAttempts(key: string): Promise<TaskAttempt[]>;

  /**
   * Runs fn in one transaction and commits when its promise resolves (rolls back when it rejects).
   * Everything inside must go through `tx`: calls on the outer store wait until the transaction ends.
   * A nested `tx.transaction` becomes a savepoint.
   */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  /** Rows inserted/updated/deleted since open (benchmarks assert zero on a no-op). */
  rowsWritten(): number;
  close(): Promise<void>;
}
