// The typed task the controller sends to a node agent and the result the agent returns. The same
// envelope travels over every transport: push (`POST /v1/tasks`), pull (items of
// `/agent/tasks/poll`, results in `/agent/tasks/report`) and the loopback the local target uses.
import type { NginxSiteProbe } from '../model/edge-specs.js';
import type { HealthCheckSpec, InstanceSpec, Runtime } from '../model/machine-specs.js';
import type { ObservedResource } from '../model/resource.js';
import type { NodeFacts } from './facts.js';
import type { ObserveItem } from './observe.js';

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

/** Envelope fields every task carries, whatever its type. */
export interface TaskEnvelope {
  taskId: string;
  /** Defaults to taskId. A key seen before returns its recorded result. */
  idempotencyKey?: string;
  traceId?: string;
  timeoutSec?: number;
  resource?: TaskResourceRef;
}

/** One file of ApplyConfigFiles; a relative path is under the instance directory. */
export interface FileItem {
  path: string;
  content: string;
  mode?: string;
  instance?: string;
  owner?: string;
  group?: string;
}

/** The instance a StopInstance/RemoveInstance (or an instance health probe) is about. */
export interface InstanceRef {
  runtime: Runtime;
  instance: string;
}

/** An nginx command: argv, or one string split on spaces. */
export type CommandLine = string[] | string;

/** The payload of each task type, as schemas.ts checks it on the agent. */
export interface TaskPayloads {
  ApplyConfigFiles: { files: FileItem[] };
  RemoveFiles: { paths: string[]; instance?: string };
  SystemdInstallUnit: { unitName: string; unitPath?: string; content: string; enable?: boolean };
  SystemdControl: { unitName: string; action: 'start' | 'stop' | 'restart' | 'status' };
  HealthProbe: { check: HealthCheckSpec; runtime?: Runtime; instance?: string; host?: string };
  StartInstance: { spec: InstanceSpec; specHash: string; env: Record<string, string> };
  StopInstance: InstanceRef;
  RemoveInstance: InstanceRef;
  RenderAndDeployNginx: {
    siteName: string;
    targetPath?: string;
    content: string;
    testCommand?: CommandLine;
    reloadCommand?: CommandLine;
    probe?: NginxSiteProbe;
  };
  RemoveNginxSite: { siteName: string; targetPath?: string };
  DeployCertificate: {
    name: string;
    certPem: string;
    keyPem: string;
    certPath: string;
    keyPath: string;
    reload?: boolean;
    testCommand?: CommandLine;
    reloadCommand?: CommandLine;
  };
  PublishChallenge: { token: string; content: string };
  RemoveChallenge: { token: string };
  Observe: { resources: ObserveItem[] };
}

/** A task of one type: the envelope plus that type's payload. */
export type AgentTaskOf<T extends TaskType> = TaskEnvelope & { type: T; payload: TaskPayloads[T] };

/** Any task, discriminated by `type`. */
export type AgentTask = { [T in TaskType]: AgentTaskOf<T> }[TaskType];

/**
 * What a task reports besides its outcome: free-form facts of the handler (pid, fingerprint, unit
 * state), the health a HealthProbe found, and for Observe the observations with the node's facts.
 */
export interface TaskResultDetails {
  observations?: ObservedResource[];
  facts?: NodeFacts;
  [key: string]: unknown;
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
  details?: TaskResultDetails;
  startedAt: string;
  finishedAt: string;
}

/** What a task returns: the recorded result plus whether it was replayed from the record. */
export type AgentTaskResult = TaskResultRecord & { replayed?: boolean };
