// The agent's own memory, in SQLite under its work dir: results of applied tasks (by idempotency key,
// so a restarted agent answers a repeated task from the record instead of running it again), the
// resources it applied (so observe knows where to look and what hash it applied), and the apps
// deployed through the v1 `POST /v1/apply`. Never holds resolved secrets: task payloads are
// not stored, only results and a hash of each task's content (to refuse a different task re-sent
// under a known idempotency key).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeDirs } from '../../util/make-dirs.js';
import Database from 'better-sqlite3';
import type { ResourceLocator } from '../../protocol/observe.js';
import type { TaskResultRecord } from '../../protocol/tasks.js';
import { redact } from '../../util/redact.js';

export type { TaskResultRecord } from '../../protocol/tasks.js';

/** What the agent applied for one controller resource id. */
export interface ResourceRecord {
  id: string;
  kind: string;
  /** Desired hash the controller sent with the task that applied it. */
  appliedHash: string;
  /** Where to look when observing: {runtime, instance} | {path, contentHash, mode} | ... */
  locator: ResourceLocator;
  updatedAt: string;
}

/** An app deployed through v1 `POST /v1/apply`. */
export interface V1AppRecord {
  app: string;
  version: string;
  runtime: string;
  instance: string;
  updated: string;
}

const schema = `
CREATE TABLE IF NOT EXISTS tasks (key TEXT PRIMARY KEY, result TEXT NOT NULL, finished_at TEXT NOT NULL, content_hash TEXT);
CREATE TABLE IF NOT EXISTS resources (id TEXT PRIMARY KEY, kind TEXT NOT NULL, applied_hash TEXT NOT NULL, locator TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS seed_apps (app TEXT PRIMARY KEY, version TEXT NOT NULL, runtime TEXT NOT NULL, instance TEXT NOT NULL, updated TEXT NOT NULL);
`;

export class AgentState {
  private readonly db: Database.Database;
  private readonly stmts;

  /**
   * Opens (creating) `<workDir>/agent.db`; ':memory:' for benchmarks. `readOnly` (the local target
   * during `plan`) opens an existing database read-only and creates nothing: a missing one reads as
   * empty.
   */
  constructor(workDir: string | ':memory:', opts: { readOnly?: boolean } = {}) {
    const file = workDir === ':memory:' ? ':memory:' : join(workDir, 'agent.db');
    if (opts.readOnly) {
      this.db = existsSync(file) ? new Database(file, { readonly: true, fileMustExist: true }) : new Database(':memory:');
      if (!this.db.readonly) this.db.exec(schema);
    } else {
      if (workDir !== ':memory:') makeDirs(workDir, 0o700);
      this.db = new Database(file);
      if (workDir !== ':memory:') this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.exec(schema);
      // agent.db files from before content hashes: add the column (old rows keep NULL: replayed as before).
      const columns = this.db.prepare<[], { name: string }>('PRAGMA table_info(tasks)').all();
      if (!columns.some((c) => c.name === 'content_hash')) this.db.exec('ALTER TABLE tasks ADD COLUMN content_hash TEXT');
    }
    this.stmts = {
      getTask: this.db.prepare<[string], { result: string; content_hash: string | null }>('SELECT result, content_hash FROM tasks WHERE key = ?'),
      putTask: this.db.prepare('INSERT OR REPLACE INTO tasks (key, result, finished_at, content_hash) VALUES (?, ?, ?, ?)'),
      getRes: this.db.prepare<[string], { id: string; kind: string; applied_hash: string; locator: string; updated_at: string }>(
        'SELECT * FROM resources WHERE id = ?',
      ),
      putRes: this.db.prepare('INSERT OR REPLACE INTO resources (id, kind, applied_hash, locator, updated_at) VALUES (?, ?, ?, ?, ?)'),
      delRes: this.db.prepare('DELETE FROM resources WHERE id = ?'),
      allRes: this.db.prepare<[], { id: string; kind: string; applied_hash: string; locator: string; updated_at: string }>(
        'SELECT * FROM resources ORDER BY id',
      ),
      getApp: this.db.prepare<[string], V1AppRecord>('SELECT * FROM seed_apps WHERE app = ?'),
      putApp: this.db.prepare(
        'INSERT OR REPLACE INTO seed_apps (app, version, runtime, instance, updated) VALUES (@app, @version, @runtime, @instance, @updated)',
      ),
      allApps: this.db.prepare<[], V1AppRecord>('SELECT * FROM seed_apps ORDER BY app'),
      delAppByInstance: this.db.prepare('DELETE FROM seed_apps WHERE instance = ?'),
    };
  }

  taskResult(key: string): TaskResultRecord | undefined {
    const row = this.stmts.getTask.get(key);
    return row ? (JSON.parse(row.result) as TaskResultRecord) : undefined;
  }

  /** Hash of the content the key was first run with (undefined for records older than the column). */
  taskContentHash(key: string): string | undefined {
    return this.stmts.getTask.get(key)?.content_hash ?? undefined;
  }

  recordTask(result: TaskResultRecord, contentHash?: string): void {
    // Redacted: a failed start's message carries the process's stderr tail (secret values it printed).
    this.stmts.putTask.run(result.idempotencyKey, redact(JSON.stringify(result)), result.finishedAt, contentHash ?? null);
  }

  resource(id: string): ResourceRecord | undefined {
    const row = this.stmts.getRes.get(id);
    return row && toResource(row);
  }

  resources(): ResourceRecord[] {
    return this.stmts.allRes.all().map(toResource);
  }

  recordResource(r: ResourceRecord): void {
    this.stmts.putRes.run(r.id, r.kind, r.appliedHash, JSON.stringify(r.locator), r.updatedAt);
  }

  forgetResource(id: string): void {
    this.stmts.delRes.run(id);
  }

  v1App(app: string): V1AppRecord | undefined {
    return this.stmts.getApp.get(app);
  }

  v1Apps(): V1AppRecord[] {
    return this.stmts.allApps.all();
  }

  recordSeedApp(r: V1AppRecord): void {
    this.stmts.putApp.run(r);
  }

  /** Forgets v1 apps run by an instance that was removed. */
  forgetV1Instance(instance: string): void {
    this.stmts.delAppByInstance.run(instance);
  }

  close(): void {
    this.db.close();
  }
}

function toResource(row: { id: string; kind: string; applied_hash: string; locator: string; updated_at: string }): ResourceRecord {
  return { id: row.id, kind: row.kind, appliedHash: row.applied_hash, locator: JSON.parse(row.locator), updatedAt: row.updated_at };
}
