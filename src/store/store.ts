// The state store contract. SQLite (store/sqlite/) is the embedded default; the interface is kept
// narrow and synchronous-free of SQLite types so PostgreSQL can implement it later.
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

export interface AuditEvent {
  type: string;
  subject: string;
  message: string;
  data?: Json;
}

export interface Store {
  // --- revisions and desired snapshots
  recordRevision(rev: RevisionRecord): void;
  getRevision(sha: string): RevisionRecord | undefined;
  /** Stores the desired resources of a revision once (no-op when already stored). */
  saveDesired(revision: string, resources: DesiredResource[]): void;
  loadDesired(revision: string): DesiredResource[] | undefined;

  // --- inventory (what was applied)
  listInventory(target?: string): InventoryItem[];
  recordApplied(resource: DesiredResource, taskKey: string, revision: string): void;
  removeFromInventory(resourceId: string): void;

  // --- observed state cache (written only when it changed)
  saveObserved(observed: ObservedResource[]): void;
  listObserved(): ObservedResource[];

  // --- runs, tasks and attempts
  startRun(command: string, revision: string): number;
  finishRun(runId: number, converged: boolean, summary: Json): void;
  listRuns(limit?: number): RunRecord[];
  getTask(key: string): TaskRecord | undefined;
  /** Inserts a task (state pending) or, when the key exists and did not succeed, re-attaches it to this run. */
  upsertTask(task: Task, runId: number, owner: string): TaskRecord;
  setTaskState(key: string, state: TaskState, outcome?: TaskOutcome, message?: string): void;
  /** Records one attempt of a task (attempt number is counted by the store). */
  recordAttempt(key: string, outcome: TaskOutcome, message: string | undefined, startedAt: string, finishedAt: string): void;
  listTasks(filter: { runId?: number; revision?: string; state?: TaskState }): TaskRecord[];

  // --- per-application history
  recordAppRevision(rec: Omit<AppRevisionRecord, 'at'>): void;
  listAppRevisions(application: string): AppRevisionRecord[];

  // --- audit log and small key/value blobs (certificates, ACME account key, pins)
  audit(event: AuditEvent): void;
  getKv(namespace: string, key: string): string | undefined;
  setKv(namespace: string, key: string, value: string | undefined): void;

  /** Runs fn in one transaction (nested calls become savepoints). fn must be synchronous. */
  transaction<T>(fn: () => T): T;
  /** Rows inserted/updated/deleted since open (benchmarks assert zero on a no-op). */
  rowsWritten(): number;
  close(): void;
}
