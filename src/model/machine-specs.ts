// Specs of the resources that live on a machine (this one or a node running `boreas agent`): an
// Instance of an application and its rendered config Files. The desired graph produces them with
// ports and relation endpoints resolved; secrets are still `{valueFrom}` references here and are
// resolved only where the value is used.
import type { ContainerSpec, EnvMap, ProcessSpec, ScriptSpec, SystemdSpec } from './manifest-types.generated.js';

export type Runtime = 'process' | 'container' | 'script' | 'systemd';

/** Health check with ports resolved to numbers. */
export interface HealthCheckSpec {
  http?: { port: number; path: string; scheme: 'http' | 'https' };
  tcp?: { port: number };
  exec?: { command: string[] };
  process?: Record<string, never>;
  intervalSeconds: number;
  timeoutSeconds: number;
  initialDelaySeconds: number;
  failureThreshold: number;
}

/** spec of a DesiredResource of kind `Instance`. */
export interface InstanceSpec {
  app: string;
  /** `<app>-<ordinal>`; stable across reconciles. */
  instance: string;
  ordinal: number;
  node: string;
  /** Host other machines reach this instance on (127.0.0.1 for local). */
  host: string;
  version: string;
  runtime: Runtime;
  process?: ProcessSpec;
  container?: ContainerSpec;
  script?: ScriptSpec;
  systemd?: SystemdSpec;
  /** Literal values and `{valueFrom}` references; BOREAS_* variables included. */
  env: EnvMap;
  /** Port name → port number for this instance (declared port + slot on the node). */
  ports: Record<string, number>;
  health?: HealthCheckSpec;
  /** Hash of this instance's rendered files: a change restarts the instance. */
  filesHash: string;
  /**
   * Env name → keyed digest (HMAC under the state key) of each value kept encrypted in Git: a changed
   * value restarts the instance; re-encrypting the same value to a new recipient does not.
   */
  secretDigests?: Record<string, string>;
  state: 'Running' | 'Stopped';
}

/** spec of a DesiredResource of kind `File`. */
export interface FileSpec {
  app: string;
  instance: string;
  /** Absolute path on the machine, or relative to the instance directory. */
  path: string;
  /** Octal string, e.g. "0640". */
  mode: string;
  /** Rendered content. Secrets are never rendered into files by the controller. */
  content: string;
}
