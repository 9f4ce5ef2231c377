// Bodies of the pull protocol (docs/design.md, Agent protocol): what an agent sends to
// `/agent/heartbeat`, `/agent/tasks/poll` and `/agent/tasks/report`. The controller checks each
// against its JSON Schema before it trusts these types.
import type { NodeFacts } from './facts.js';
import type { AgentTaskResult } from './tasks.js';

export interface HeartbeatBody {
  nodeId: string;
  agentVersion?: string;
  timestamp?: string | number;
  capabilities?: Record<string, unknown>;
  facts?: NodeFacts;
}

export interface PollBody {
  nodeId: string;
  maxTasks?: number;
  runningTaskIds?: string[];
  waitMs?: number;
}

/** A final result, or `running` to keep the lease; fields the agent leaves out get defaults. */
export type AgentReport = Omit<AgentTaskResult, 'status'> & { status: 'running' | AgentTaskResult['status'] };

export type ReportBody = Partial<Omit<AgentReport, 'taskId' | 'status'>> &
  Pick<AgentReport, 'taskId' | 'status'> & { nodeId: string; stdout?: string; stderr?: string; artifacts?: Record<string, unknown> };
