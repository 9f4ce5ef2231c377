// The typed task the controller sends to a node agent and the result the agent returns. The same
// envelope travels over every transport: push (`POST /v1/tasks`), pull (items of
// `/agent/tasks/poll`, results in `/agent/tasks/report`) and the loopback the local target uses.
import type { Json } from '../model/json.js';

export const taskTypes = [
  'ApplyConfigFiles',
  'RemoveFiles',
  'SystemdInstallUnit',
  'SystemdControl',
  'HealthProbe',
  'StartInstance',
  'StopInstance',
  'RemoveInstance',
  'RenderAndDeployNginx',
  'RemoveNginxSite',
  'DeployCertificate',
  'PublishChallenge',
  'RemoveChallenge',
  // Read-only, never recorded or replayed: how pull-mode nodes answer observe.
  'Observe',
] as const;

export type TaskType = (typeof taskTypes)[number];

/** The controller resource a task applies, so observe can answer for it later. */
export interface TaskResourceRef {
  id: string;
  kind: string;
  /** Desired hash being applied (becomes the observed appliedHash). */
  hash: string;
}

export interface AgentTask {
  taskId: string;
  /** Defaults to taskId. A key seen before returns its recorded result. */
  idempotencyKey?: string;
  type: TaskType;
  traceId?: string;
  timeoutSec?: number;
  resource?: TaskResourceRef;
  payload: Record<string, Json>;
}

/** A finished task as the agent records and reports it. */
export interface TaskResultRecord {
  taskId: string;
  idempotencyKey: string;
  type: string;
  status: 'succeeded' | 'failed';
  outcome: 'created' | 'configured' | 'unchanged' | 'deleted' | 'failed';
  message?: string;
  errorMessage?: string;
  /** True when the failure cannot be fixed by retrying (bad input, refused by policy). */
  permanent?: boolean;
  details?: Record<string, Json>;
  startedAt: string;
  finishedAt: string;
}

/** What a task returns: the recorded result plus whether it was replayed from the record. */
export type AgentTaskResult = TaskResultRecord & { replayed?: boolean };
