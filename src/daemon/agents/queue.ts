// What the pull-agent endpoints need of a task queue: the in-memory PullHub (one daemon, SQLite
// state) or the database queue (several replicas sharing PostgreSQL, daemon/cluster/pull-queue.ts).
// Methods may answer now or later; the routes await both.
import type { AgentTask } from '../../protocol/tasks.js';
import type { PullDispatcher } from '../../targets/agent/transport.js';
import type { NodeFacts } from '../../protocol/facts.js';
import type { AgentReport } from '../../protocol/pull.js';

/** One node's last heartbeat (docs/design.md, Agent protocol). */
export interface Heartbeat {
  node: string;
  agentVersion?: string;
  capabilities?: Record<string, unknown>;
  facts?: NodeFacts;
  receivedAt: string;
}

export interface PullQueue extends PullDispatcher {
  /** Suggested poll interval returned by heartbeats. */
  readonly pollIntervalMs: number;
  /** Records a heartbeat; true when it is the node's first contact with this replica. */
  heartbeat(hb: Heartbeat): boolean | Promise<boolean>;
  /** Notes that a node's agent was in contact (poll). */
  touch(node: string): void | Promise<void>;
  /** Waits until `node` has something to take, or `ms` passes (long poll). */
  waitForWork(node: string, ms: number): Promise<void>;
  /** Tasks to hand to `node` now. */
  take(node: string, max: number, runningTaskIds: string[]): AgentTask[] | Promise<AgentTask[]>;
  /** Settles a task from the agent's report; false when no such task waits. */
  report(node: string, result: AgentReport): boolean | Promise<boolean>;
  /** The node's last heartbeat as received (API). */
  lastHeartbeat(node: string): Heartbeat | undefined;
  /** Tasks not yet reported (API, tests). */
  pendingCount(node?: string): number | Promise<number>;
  /** Rejects what waits (shutdown) and wakes long polls. */
  close(): void;
}
