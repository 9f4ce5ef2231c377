// The pull-agent task queue in PostgreSQL, for several replicas behind one URL: a task queued by the
// environment's owner (under its lease fence) is handed to whichever replica the agent polls, exactly
// once (`FOR UPDATE SKIP LOCKED`), and its report — received by any replica — reaches the owner
// through the table and a NOTIFY. Agents' last contact is shared the same way, so every replica
// knows which nodes are connected.
import type { Fence } from '../../store/fence.js';
import type { ClusterTables } from '../../store/postgres/cluster.js';
import { channels } from '../../store/postgres/cluster.js';
import type { AgentTask, AgentTaskResult } from '../../protocol/tasks.js';
import type { PullDispatcher } from '../../targets/agent/transport.js';
import type { Logger } from '../../util/logger.js';
import type { NodeFacts } from '../../protocol/facts.js';
import type { AgentReport } from '../../protocol/pull.js';
import type { Heartbeat } from '../agents/hub.js';
import type { PullQueue } from '../agents/queue.js';
import type { Notifications } from './notifications.js';

/** How often a waiter re-reads the table even without a notification. */
const recheckMs = 1000;
/** A poll's contact is written at most this often per node. */
const touchEveryMs = 2000;

export interface DbPullQueueOptions {
  replica: string;
  tables: ClusterTables;
  notifications: Notifications;
  log: Logger;
  /** How long a handed-out task may stay unreported before it is handed out again. Default 5 min. */
  leaseMs?: number;
  pollIntervalMs?: number;
}

export class DbPullQueue implements PullQueue {
  private closed = false;
  private readonly wakers = new Set<() => void>();
  private readonly heartbeats = new Map<string, Heartbeat>();
  /** node → when last seen (local ms), from this replica's contacts and the shared table. */
  private readonly seen = new Map<string, { at: number; facts?: NodeFacts }>();
  private readonly lastTouch = new Map<string, number>();
  private readonly unlisten: Array<() => void> = [];

  constructor(private readonly opts: DbPullQueueOptions) {
    this.unlisten.push(opts.notifications.on(channels.pullQueued, () => this.wakeAll()));
    this.unlisten.push(opts.notifications.on(channels.pullDone, () => this.wakeAll()));
  }

  get pollIntervalMs(): number {
    return this.opts.pollIntervalMs ?? 2000;
  }

  private get leaseMs(): number {
    return this.opts.leaseMs ?? 300_000;
  }

  /** Unfenced dispatch (observe tasks, or a caller without a lease). */
  dispatch(node: string, task: AgentTask, timeoutMs?: number): Promise<AgentTaskResult> {
    return this.dispatchUnder(undefined, node, task, timeoutMs);
  }

  /** A dispatcher whose tasks are queued only while `fence` holds (the environment's owner). */
  fenced(fence: Fence): PullDispatcher {
    return { dispatch: (node, task, timeoutMs) => this.dispatchUnder(fence, node, task, timeoutMs), lastSeen: (node) => this.lastSeen(node) };
  }

  private async dispatchUnder(fence: Fence | undefined, node: string, task: AgentTask, timeoutMs?: number): Promise<AgentTaskResult> {
    if (this.closed) throw new Error('the controller is shutting down');
    const limit = timeoutMs ?? (task.timeoutSec ? task.timeoutSec * 1000 + 60_000 : 600_000);
    const taskId = await this.opts.tables.enqueuePull(node, task.taskId, task.idempotencyKey ?? task.taskId, JSON.stringify(task), this.opts.replica, fence);
    const deadline = Date.now() + limit;
    for (;;) {
      const raw = await this.opts.tables.pullResult(node, taskId);
      if (raw !== undefined) return { ...(JSON.parse(raw) as AgentTaskResult), taskId: task.taskId };
      if (this.closed) throw new Error('the controller is shutting down');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`node ${node} did not report task ${task.taskId} within ${Math.round(limit / 1000)}s (agent not polling?)`);
      await this.sleep(Math.min(recheckMs, left));
    }
  }

  async heartbeat(hb: Heartbeat): Promise<boolean> {
    const first = !this.heartbeats.has(hb.node);
    this.heartbeats.set(hb.node, hb);
    this.seen.set(hb.node, { at: Date.now(), facts: hb.facts });
    this.lastTouch.set(hb.node, Date.now());
    await this.opts.tables.touchAgent(hb.node, JSON.stringify(hb));
    return first;
  }

  async touch(node: string): Promise<void> {
    const now = Date.now();
    this.seen.set(node, { at: now, facts: this.seen.get(node)?.facts ?? this.heartbeats.get(node)?.facts });
    if (now - (this.lastTouch.get(node) ?? 0) < touchEveryMs) return;
    this.lastTouch.set(node, now);
    await this.opts.tables.touchAgent(node);
  }

  lastHeartbeat(node: string): Heartbeat | undefined {
    return this.heartbeats.get(node);
  }

  lastSeen(node: string): { at: number; facts?: NodeFacts } | undefined {
    return this.seen.get(node);
  }

  /** Reads every agent's last contact from the table (other replicas' polls count too). */
  async refreshAgents(): Promise<void> {
    const now = Date.now();
    for (const a of await this.opts.tables.agents()) {
      const at = now - a.ageMs;
      const mine = this.seen.get(a.node);
      const facts = a.heartbeat ? (JSON.parse(a.heartbeat) as Heartbeat).facts : mine?.facts;
      if (!mine || mine.at < at) this.seen.set(a.node, { at, facts });
      else if (!mine.facts && facts) mine.facts = facts;
    }
    await this.opts.tables.prunePull();
  }

  async waitForWork(node: string, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.closed && !(await this.opts.tables.hasPullWork(node))) {
      const left = deadline - Date.now();
      if (left <= 0) return;
      await this.sleep(Math.min(recheckMs, left));
    }
  }

  async take(node: string, max: number, runningTaskIds: string[]): Promise<AgentTask[]> {
    return (await this.opts.tables.takePull(node, max, runningTaskIds, this.leaseMs)).map((t) => JSON.parse(t) as AgentTask);
  }

  async report(node: string, result: AgentReport): Promise<boolean> {
    if (result.status === 'running') return this.opts.tables.reportPull(node, result.taskId, 'running', undefined, this.leaseMs);
    return this.opts.tables.reportPull(node, result.taskId, 'done', JSON.stringify(result), this.leaseMs);
  }

  pendingCount(node?: string): Promise<number> {
    return this.opts.tables.pendingPull(node);
  }

  close(): void {
    this.closed = true;
    for (const u of this.unlisten) u();
    this.wakeAll();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }

  private wakeAll(): void {
    for (const w of [...this.wakers]) w();
  }
}
