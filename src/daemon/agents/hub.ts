// Controller side of the pull protocol (docs/design.md, Agent protocol): tasks for a node wait here until its agent
// polls, are leased to it, and settle when it reports. Agents need no inbound connectivity.
//
// Queued tasks live in memory. That is enough for the promise "a restart repeats no side effect":
// after a controller restart the reconcile re-plans and re-dispatches the same idempotency keys, and
// the agent answers a key that already succeeded from its own record without running it again.
import type { NodeFacts } from '../../protocol/facts.js';
import type { AgentReport } from '../../protocol/pull.js';
import type { AgentTask, AgentTaskResult } from '../../protocol/tasks.js';
import type { Heartbeat, PullQueue } from './queue.js';

export type { Heartbeat } from './queue.js';

interface Pending {
  task: AgentTask;
  node: string;
  /** Set when handed to the agent; an unreported task is handed out again after the lease. */
  leasedUntil?: number;
  status: 'queued' | 'leased' | 'running';
  resolve(result: AgentTaskResult): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export interface PullHubOptions {
  /** How long a polled task may stay unreported before another poll gets it again. Default 5 min. */
  leaseMs?: number;
  /** Suggested poll interval returned by heartbeats. Default 2 s. */
  pollIntervalMs?: number;
}

export class PullHub implements PullQueue {
  private readonly byId = new Map<string, Pending>();
  private readonly waiters = new Map<string, Set<() => void>>();
  readonly heartbeats = new Map<string, Heartbeat>();
  private readonly contact = new Map<string, number>();
  private closed = false;

  constructor(private readonly opts: PullHubOptions = {}) {}

  get pollIntervalMs(): number {
    return this.opts.pollIntervalMs ?? 2000;
  }

  /**
   * Queues `task` for `node` and resolves with the agent's report. Rejects after `timeoutMs`
   * (default: the task's timeoutSec plus a minute, else 10 min) or when the hub closes.
   */
  dispatch(node: string, task: AgentTask, timeoutMs?: number): Promise<AgentTaskResult> {
    if (this.closed) return Promise.reject(new Error('the controller is shutting down'));
    const existing = this.byId.get(task.taskId);
    if (existing) return new Promise((resolve, reject) => chain(existing, resolve, reject));
    const limit = timeoutMs ?? (task.timeoutSec ? task.timeoutSec * 1000 + 60_000 : 600_000);
    return new Promise<AgentTaskResult>((resolve, reject) => {
      const pending: Pending = {
        task,
        node,
        status: 'queued',
        resolve,
        reject,
        timer: setTimeout(() => {
          this.byId.delete(task.taskId);
          reject(new Error(`node ${node} did not report task ${task.taskId} within ${Math.round(limit / 1000)}s (agent not polling?)`));
        }, limit),
      };
      this.byId.set(task.taskId, pending);
      this.wake(node);
    });
  }

  /** Tasks to hand to `node` now: queued ones, and leased ones whose lease ran out and that the agent is not running. */
  take(node: string, max: number, runningTaskIds: string[]): AgentTask[] {
    const now = Date.now();
    const running = new Set(runningTaskIds);
    const out: AgentTask[] = [];
    for (const p of this.byId.values()) {
      if (out.length >= max) break;
      if (p.node !== node) continue;
      if (running.has(p.task.taskId)) {
        p.status = 'running';
        p.leasedUntil = now + this.leaseMs;
        continue;
      }
      if (p.status === 'queued' || (p.leasedUntil !== undefined && p.leasedUntil < now)) {
        p.status = 'leased';
        p.leasedUntil = now + this.leaseMs;
        out.push(p.task);
      }
    }
    return out;
  }

  /** Waits until `node` has something to take, or `ms` passes (long poll). */
  async waitForWork(node: string, ms: number): Promise<void> {
    if (ms <= 0 || this.hasWork(node)) return;
    await new Promise<void>((resolve) => {
      const set = this.waiters.get(node) ?? new Set();
      this.waiters.set(node, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });
  }

  /** Settles a task from the agent's report; false when the task is unknown or belongs to another node. */
  report(node: string, result: AgentReport): boolean {
    const p = this.byId.get(result.taskId);
    if (!p || p.node !== node) return false;
    if (result.status === 'running') {
      p.status = 'running';
      p.leasedUntil = Date.now() + this.leaseMs;
      return true;
    }
    clearTimeout(p.timer);
    this.byId.delete(result.taskId);
    p.resolve({ ...result, status: result.status });
    return true;
  }

  heartbeat(hb: Heartbeat): boolean {
    const first = !this.heartbeats.has(hb.node);
    this.heartbeats.set(hb.node, hb);
    this.touch(hb.node);
    return first;
  }

  lastHeartbeat(node: string): Heartbeat | undefined {
    return this.heartbeats.get(node);
  }

  /** Notes that a node's agent was in contact (heartbeat or poll). */
  touch(node: string): void {
    this.contact.set(node, Date.now());
  }

  /** When the node's agent was last in contact, with the facts of its last heartbeat. */
  lastSeen(node: string): { at: number; facts?: NodeFacts } | undefined {
    const at = this.contact.get(node);
    return at === undefined ? undefined : { at, facts: this.heartbeats.get(node)?.facts };
  }

  /** Tasks not yet reported, per node (for the API and tests). */
  pendingCount(node?: string): number {
    return [...this.byId.values()].filter((p) => !node || p.node === node).length;
  }

  /** Rejects everything still waiting (shutdown) and wakes long polls. */
  close(): void {
    this.closed = true;
    for (const p of this.byId.values()) {
      clearTimeout(p.timer);
      p.reject(new Error('the controller is shutting down'));
    }
    this.byId.clear();
    for (const set of this.waiters.values()) for (const w of [...set]) w();
  }

  private get leaseMs(): number {
    return this.opts.leaseMs ?? 300_000;
  }

  private hasWork(node: string): boolean {
    const now = Date.now();
    for (const p of this.byId.values()) if (p.node === node && (p.status === 'queued' || (p.status === 'leased' && (p.leasedUntil ?? 0) < now))) return true;
    return false;
  }

  private wake(node: string): void {
    for (const w of [...(this.waiters.get(node) ?? [])]) w();
  }
}

/** A second dispatch of the same taskId shares the first one's outcome. */
function chain(p: Pending, resolve: (r: AgentTaskResult) => void, reject: (e: Error) => void): void {
  const [r0, j0] = [p.resolve, p.reject];
  p.resolve = (r) => (r0(r), resolve(r));
  p.reject = (e) => (j0(e), reject(e));
}
