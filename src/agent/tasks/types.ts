// The typed task the controller sends (push: `POST /v1/tasks`; pull, later: items of
// `/agent/tasks/poll`) and the result the agent returns (push: the response; pull: the body of
// `/agent/tasks/report`). Field names follow seed 004 §13.3–13.4.
import type { Json } from '../../model/resource.js';
import type { TaskResultRecord } from '../state/agent-state.js';

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
  /** Defaults to taskId (seed 004 §13.4). A key seen before returns its recorded result. */
  idempotencyKey?: string;
  type: TaskType;
  traceId?: string;
  timeoutSec?: number;
  resource?: TaskResourceRef;
  payload: Record<string, Json>;
}

/** What a task returns: the recorded result plus whether it was replayed from the record. */
export type AgentTaskResult = TaskResultRecord & { replayed?: boolean };

/** What one handler reports; `locator` tells observe where the applied resource lives. */
export interface HandlerOutcome {
  outcome: TaskResultRecord['outcome'];
  message?: string;
  details?: Record<string, Json>;
  /** Recorded for `task.resource`; undefined = forget the resource (removals). */
  locator?: Record<string, Json>;
  /** Set by removal handlers: the resource no longer exists on this node. */
  removed?: boolean;
}
