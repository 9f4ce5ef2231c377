// A runner starts, stops and inspects instances of one runtime on one machine. The local target runs
// them in-process on this machine; `boreas agent` runs the same runners on each node.
import type { Json } from '../model/resource.js';
import type { InstanceSpec, Runtime } from '../model/machine-specs.js';

export interface RunnerObservation {
  /** The instance exists (process alive, container present, unit installed). */
  exists: boolean;
  running: boolean;
  /** Hash of the InstanceSpec the running instance was started from (recorded by the runner). */
  appliedHash?: string;
  /** Identity of what runs now (pid+start time, container id, unit invocation id). */
  fingerprint?: string;
  details?: Record<string, Json>;
  /** The applied InstanceSpec as recorded by the runner (for field-level diffs). Optional. */
  appliedSpec?: Json;
  /** The instance was stopped on purpose (state: Stopped); not running is then not drift. Optional. */
  stopped?: boolean;
  /** Why the live instance differs from what was applied (process gone, pid reused). Optional. */
  drift?: string[];
  /** When the running instance was started (ISO time), for health initial delays. Optional. */
  startedAt?: string;
}

export interface RunnerContext {
  /** Directory for this runner's bookkeeping (pid files, logs) on the machine. */
  workDir: string;
  /** Base directory for relative commands (repo checkout for local demos). */
  baseDir: string;
}

export interface Runner {
  readonly runtime: Runtime;
  /**
   * Makes the instance run from `spec` (hash `specHash`): starts it when absent, restarts it when the
   * recorded hash differs or it is not running, does nothing when it already runs that spec.
   * `env` is fully resolved (secrets included) and must never be logged or persisted.
   */
  ensureRunning(spec: InstanceSpec, specHash: string, env: Record<string, string>): Promise<'created' | 'configured' | 'unchanged'>;
  /**
   * Stops the instance but keeps its record (state: Stopped). `applied` (optional) is the Stopped
   * spec, recorded so observe reports its hash and the plan sees the stop as applied.
   */
  stop(instance: string, applied?: { spec: InstanceSpec; specHash: string }): Promise<'configured' | 'unchanged'>;
  /** Stops and forgets the instance (prune). */
  remove(instance: string): Promise<'deleted' | 'unchanged'>;
  observe(instance: string): Promise<RunnerObservation>;
  /** Instances this runner knows on the machine (to find prune candidates after a lost state file). */
  list(): Promise<string[]>;
}
