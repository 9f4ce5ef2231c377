// The replica tables (docs/ha.md): membership heartbeats, environment leases with fencing tokens,
// forwarded triggers, and the pull-agent task queue. Only statements live here; when to call them is
// the daemon's business (daemon/cluster/). All times are the database's clock (`now()`), so replicas
// with skewed clocks still agree on who is live and whose lease ran out.
import type pg from 'pg';
import type { Fence } from '../fence.js';
import type { Queryable } from './db.js';
import type { PostgresStore } from './index.js';
import { pgModule } from './pg-module.js';
import { writerLockId } from './writer-lock.js';

export interface ReplicaRow {
  id: string;
  listen: string;
  lastHeartbeat: string;
  startedAt: string;
}

export interface LeaseRow {
  environment: string;
  owner: string | null;
  token: number;
  /** Not expired by the database's clock. */
  live: boolean;
  expiresAt: string;
}

/** What acquiring a lease did. */
export interface Acquired {
  token: number;
  /** The replica that held it before (undefined when it was free or new). */
  previousOwner?: string;
}

export interface PullTaskRow {
  id: number;
  node: string;
  taskId: string;
  task: string;
  state: 'queued' | 'leased' | 'done';
  result?: string;
  enqueuedBy: string;
  environment?: string;
}

/** Channels of LISTEN/NOTIFY: a trigger row was added; a pull task was queued (payload: node); one finished (payload: node/taskId). */
export const channels = { trigger: 'boreas_trigger', pullQueued: 'boreas_pull_queued', pullDone: 'boreas_pull_done' } as const;

export class ClusterTables {
  constructor(private readonly store: PostgresStore) {}

  private get db(): Queryable {
    return {
      query: async (text, params) => {
        await this.store.ready();
        return this.store.pool.query(text, params);
      },
    };
  }

  /** Records this replica as live until `ttlMs` from now (database time). */
  async heartbeat(id: string, listen: string, ttlMs: number): Promise<void> {
    await this.db.query(
      `INSERT INTO cluster_replicas (id, listen, started_at, heartbeat_at, expires_at)
       VALUES ($1, $2, now(), now(), now() + $3 * interval '1 millisecond')
       ON CONFLICT (id) DO UPDATE SET listen = excluded.listen, heartbeat_at = now(), expires_at = excluded.expires_at`,
      [id, listen, ttlMs],
    );
  }

  /** Replicas whose heartbeat has not expired, by id. */
  async liveReplicas(): Promise<ReplicaRow[]> {
    const rows = (
      await this.db.query<{ id: string; listen: string; heartbeat_at: Date; started_at: Date }>(
        'SELECT id, listen, heartbeat_at, started_at FROM cluster_replicas WHERE expires_at > now() ORDER BY id',
      )
    ).rows;
    return rows.map((r) => ({ id: r.id, listen: r.listen, lastHeartbeat: r.heartbeat_at.toISOString(), startedAt: r.started_at.toISOString() }));
  }

  /** A clean shutdown: gone from membership at once, its leases free for the next owner. */
  async leave(id: string): Promise<void> {
    await this.db.query(`UPDATE cluster_leases SET owner = NULL, expires_at = now() WHERE owner = $1`, [id]);
    await this.db.query('DELETE FROM cluster_replicas WHERE id = $1', [id]);
  }

  async leases(): Promise<LeaseRow[]> {
    const rows = (
      await this.db.query<{ environment: string; owner: string | null; token: string; live: boolean; expires_at: Date }>(
        'SELECT environment, owner, token, expires_at > now() AS live, expires_at FROM cluster_leases ORDER BY environment',
      )
    ).rows;
    return rows.map((r) => ({ environment: r.environment, owner: r.owner, token: Number(r.token), live: r.live, expiresAt: r.expires_at.toISOString() }));
  }

  /**
   * Takes the lease of `environment` when it is free, expired or new: a new fencing token (the old
   * one + 1) and an expiry `ttlMs` from now. Undefined when another replica holds it, live.
   */
  async acquire(environment: string, replica: string, ttlMs: number): Promise<Acquired | undefined> {
    await this.store.ready();
    const client = await this.store.pool.connect();
    try {
      await client.query('BEGIN');
      // A command run by hand (reconcile, down) holds the writer lock exclusively: take no lease meanwhile.
      if (!(await client.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock_shared($1) AS ok', [writerLockId])).rows[0].ok) {
        await client.query('ROLLBACK');
        return undefined;
      }
      await client.query('INSERT INTO cluster_leases (environment, owner, token, expires_at) VALUES ($1, NULL, 0, now()) ON CONFLICT DO NOTHING', [
        environment,
      ]);
      const cur = (
        await client.query<{ owner: string | null; live: boolean }>(
          'SELECT owner, expires_at > now() AS live FROM cluster_leases WHERE environment = $1 FOR UPDATE',
          [environment],
        )
      ).rows[0];
      if (cur.owner && cur.live) {
        await client.query('ROLLBACK');
        return undefined;
      }
      const row = (
        await client.query<{ token: string }>(
          `UPDATE cluster_leases SET owner = $2, token = token + 1, acquired_at = now(), expires_at = now() + $3 * interval '1 millisecond'
           WHERE environment = $1 RETURNING token`,
          [environment, replica, ttlMs],
        )
      ).rows[0];
      await client.query('COMMIT');
      return { token: Number(row.token), ...(cur.owner && cur.owner !== replica ? { previousOwner: cur.owner } : {}) };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** Extends the leases still held with the given tokens; returns the environments renewed (the others are lost). */
  async renew(replica: string, held: ReadonlyMap<string, number>, ttlMs: number): Promise<Set<string>> {
    if (held.size === 0) return new Set();
    const rows = (
      await this.db.query<{ environment: string }>(
        `UPDATE cluster_leases l SET expires_at = now() + $4 * interval '1 millisecond'
         FROM unnest($2::text[], $3::bigint[]) AS h(environment, token)
         WHERE l.environment = h.environment AND l.token = h.token AND l.owner = $1 AND l.expires_at > now()
         RETURNING l.environment`,
        [replica, [...held.keys()], [...held.values()], ttlMs],
      )
    ).rows;
    return new Set(rows.map((r) => r.environment));
  }

  /** Gives a lease back (handover to the replica the hash now prefers). */
  async release(environment: string, replica: string, token: number): Promise<void> {
    await this.db.query('UPDATE cluster_leases SET owner = NULL, expires_at = now() WHERE environment = $1 AND owner = $2 AND token = $3', [
      environment,
      replica,
      token,
    ]);
  }

  /** Adds a trigger every replica sees (each reconciles the environments it owns). */
  async addTrigger(reason: string, origin: string, environment?: string): Promise<void> {
    await this.db.query(
      `WITH t AS (INSERT INTO cluster_triggers (reason, environment, origin) VALUES ($1, $2, $3) RETURNING id) SELECT pg_notify($4, id::text) FROM t`,
      [reason, environment ?? null, origin, channels.trigger],
    );
  }

  /** Triggers after `afterId`, oldest first; old rows (over an hour) are dropped on the way. */
  async triggersSince(afterId: number): Promise<Array<{ id: number; reason: string; origin: string; environment?: string }>> {
    await this.db.query("DELETE FROM cluster_triggers WHERE created_at < now() - interval '1 hour'");
    const rows = (
      await this.db.query<{ id: string; reason: string; origin: string; environment: string | null }>(
        'SELECT id, reason, origin, environment FROM cluster_triggers WHERE id > $1 ORDER BY id',
        [afterId],
      )
    ).rows;
    return rows.map((r) => ({ id: Number(r.id), reason: r.reason, origin: r.origin, ...(r.environment ? { environment: r.environment } : {}) }));
  }

  async lastTriggerId(): Promise<number> {
    return Number((await this.db.query<{ id: string }>('SELECT COALESCE(MAX(id), 0) AS id FROM cluster_triggers')).rows[0].id);
  }

  // --- the pull-agent queue

  /**
   * Queues a task for a node, under `fence` when given (in the same transaction: a replica that lost
   * the environment queues nothing). A task with the same idempotency key still waiting is not
   * queued twice: the caller waits for that one's result instead. Returns the row's task id.
   */
  async enqueuePull(node: string, taskId: string, idempotencyKey: string, task: string, replica: string, fence?: Fence): Promise<string> {
    return this.store.fencedWrite(fence, async (q) => {
      const environment = fence ? [...fence.leases.keys()].join(',') : null;
      const inserted = (
        await q.query<{ task_id: string }>(
          `INSERT INTO cluster_pull_tasks (node, task_id, idempotency_key, task, environment, enqueued_by) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT DO NOTHING RETURNING task_id`,
          [node, taskId, idempotencyKey, task, environment, replica],
        )
      ).rows[0];
      if (inserted) {
        await q.query('SELECT pg_notify($1, $2)', [channels.pullQueued, node]);
        return inserted.task_id;
      }
      const existing = (
        await q.query<{ task_id: string }>(
          `SELECT task_id FROM cluster_pull_tasks WHERE node = $1 AND (task_id = $2 OR (idempotency_key = $3 AND state <> 'done')) ORDER BY id DESC LIMIT 1`,
          [node, taskId, idempotencyKey],
        )
      ).rows[0];
      return existing?.task_id ?? taskId;
    });
  }

  /**
   * Hands out up to `max` tasks of a node: queued ones, and leased ones whose lease ran out and that
   * the agent says it is not running. `FOR UPDATE SKIP LOCKED`: two polls at two replicas never get
   * the same task.
   */
  async takePull(node: string, max: number, running: string[], leaseMs: number): Promise<string[]> {
    if (running.length)
      await this.db.query(
        `UPDATE cluster_pull_tasks SET leased_until = now() + $3 * interval '1 millisecond' WHERE node = $1 AND task_id = ANY($2::text[]) AND state = 'leased'`,
        [node, running, leaseMs],
      );
    const rows = (
      await this.db.query<{ task: string }>(
        `UPDATE cluster_pull_tasks SET state = 'leased', leased_until = now() + $4 * interval '1 millisecond'
         WHERE id IN (
           SELECT id FROM cluster_pull_tasks
           WHERE node = $1 AND (state = 'queued' OR (state = 'leased' AND leased_until < now() AND NOT task_id = ANY($3::text[])))
           ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING task`,
        [node, max, running, leaseMs],
      )
    ).rows;
    return rows.map((r) => r.task);
  }

  async hasPullWork(node: string): Promise<boolean> {
    return !!(
      await this.db.query(`SELECT 1 FROM cluster_pull_tasks WHERE node = $1 AND (state = 'queued' OR (state = 'leased' AND leased_until < now())) LIMIT 1`, [
        node,
      ])
    ).rowCount;
  }

  /** Records a node's report; false when no such task waits (already reported, or another node's). */
  async reportPull(node: string, taskId: string, status: 'running' | 'done', result: string | undefined, leaseMs: number): Promise<boolean> {
    if (status === 'running') {
      const r = await this.db.query(
        `UPDATE cluster_pull_tasks SET leased_until = now() + $3 * interval '1 millisecond' WHERE node = $1 AND task_id = $2 AND state <> 'done'`,
        [node, taskId, leaseMs],
      );
      return !!r.rowCount;
    }
    const r = await this.db.query(
      `WITH d AS (UPDATE cluster_pull_tasks SET state = 'done', result = $3, finished_at = now() WHERE node = $1 AND task_id = $2 AND state <> 'done' RETURNING task_id)
       SELECT pg_notify($4, $1 || '/' || task_id) FROM d`,
      [node, taskId, result ?? null, channels.pullDone],
    );
    return !!r.rowCount;
  }

  /** The result of a finished task, or undefined while it is not finished. */
  async pullResult(node: string, taskId: string): Promise<string | undefined> {
    const row = (
      await this.db.query<{ result: string | null }>(`SELECT result FROM cluster_pull_tasks WHERE node = $1 AND task_id = $2 AND state = 'done'`, [
        node,
        taskId,
      ])
    ).rows[0];
    return row?.result ?? undefined;
  }

  /** Drops finished tasks older than an hour (their results were delivered). */
  async prunePull(): Promise<void> {
    await this.db.query("DELETE FROM cluster_pull_tasks WHERE state = 'done' AND finished_at < now() - interval '1 hour'");
  }

  async pendingPull(node?: string): Promise<number> {
    return Number(
      (
        await this.db.query<{ n: string }>(`SELECT count(*) AS n FROM cluster_pull_tasks WHERE state <> 'done' AND ($1::text IS NULL OR node = $1)`, [
          node ?? null,
        ])
      ).rows[0].n,
    );
  }

  /** A node's agent was in contact (any replica); `heartbeat` is its last heartbeat body (facts), JSON. */
  async touchAgent(node: string, heartbeat?: string): Promise<void> {
    await this.db.query(
      `INSERT INTO cluster_agents (node, last_seen, heartbeat) VALUES ($1, now(), $2)
       ON CONFLICT (node) DO UPDATE SET last_seen = now(), heartbeat = COALESCE(excluded.heartbeat, cluster_agents.heartbeat)`,
      [node, heartbeat ?? null],
    );
  }

  /** Every agent's last contact: milliseconds since (database clock) and its last heartbeat. */
  async agents(): Promise<Array<{ node: string; ageMs: number; heartbeat?: string }>> {
    const rows = (
      await this.db.query<{ node: string; age_ms: number; heartbeat: string | null }>(
        'SELECT node, (extract(epoch from (now() - last_seen)) * 1000)::float8 AS age_ms, heartbeat FROM cluster_agents',
      )
    ).rows;
    return rows.map((r) => ({ node: r.node, ageMs: r.age_ms, ...(r.heartbeat ? { heartbeat: r.heartbeat } : {}) }));
  }

  /** A connection of its own for LISTEN (a pooled one would be handed to others between notifications). */
  listener(url: string): pg.Client {
    return new (pgModule().Client)({ connectionString: url, application_name: 'boreas-listen' });
  }
}
