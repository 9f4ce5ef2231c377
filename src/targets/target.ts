// The one contract every target implements (design.md §5): observe, apply a task, check health.
// A target instance is scoped by its key (`local`, `agent:node-1`, `kubernetes:prod`); the engine
// groups resources by `DesiredResource.target` and hands each group to the instance for that key.
import type { DesiredResource, Health, ObservedResource } from '../model/resource.js';
import type { Task, TaskResult } from '../model/plan.js';
import type { SecretSource } from '../manifests/types.generated.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../util/logger.js';

export interface TargetContext {
  store: Store;
  log: Logger;
  /** Directory next to the state file (`.boreas/`); targets keep their own files under it. */
  stateDir: string;
  /** Root of the checked-out manifests, for commands/paths given relative to the repo. */
  repoDir: string;
  /** Resolves `valueFrom`/`tokenFrom` where the value is used; never log the result. */
  resolveSecret(source: SecretSource): Promise<string>;
  signal?: AbortSignal;
}

export interface Target {
  /** The target key this instance serves (`local`, `agent:node-1`, ...). */
  readonly key: string;
  /**
   * Reports the live state of every resource given: the desired ones plus those applied before
   * (from the inventory) so prune candidates are seen too. One cheap check per resource.
   */
  observe(resources: DesiredResource[]): Promise<ObservedResource[]>;
  /** Performs one task as an idempotent "ensure": running it twice leaves the same state. */
  apply(task: Task): Promise<TaskResult>;
  /** Current health of one resource (called while waiting for a change to settle). */
  health(resource: DesiredResource): Promise<Health>;
  /** Releases connections, timers, child handles. */
  close?(): Promise<void>;
}

/** Creates the target instance for a key; registered per key prefix in targets/registry.ts. */
export interface TargetFactory {
  /** Key prefix handled: `local`, `agent`, `kubernetes`. */
  readonly type: string;
  create(key: string, ctx: TargetContext): Target | Promise<Target>;
}
