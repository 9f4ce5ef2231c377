// The one contract every target implements: local (this machine), agent (a node, push or pull),
// kubernetes (one environment's cluster) and certificates (the controller's certificate store). A
// target instance is scoped by its key (`local`, `agent:node-1`, `kubernetes:prod`, `certificates`);
// the engine groups resources by `DesiredResource.target` and hands each group to the instance for
// that key. The engine never looks at a key's name: what a target can do is in this interface.
import type { Environment, Node, SecretSource } from '../model/manifest-types.generated.js';
import type { NginxNodeFacts } from '../model/edge-specs.js';
import type { Task, TaskResult } from '../model/plan.js';
import type { DesiredResource, Health, ObservedResource, ResourceKind, UnknownCause } from '../model/resource.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../util/logger.js';

/** What a reachable target tells about itself; the desired graph renders edge sites for these facts. */
export interface TargetFacts {
  /** The target's nginx, when it serves Ingresses. */
  nginx?: NginxNodeFacts;
  /** Runtimes it can run instances with. */
  runtimes?: string[];
}

/** Whether a target answers and accepts our credentials. */
export type Reachability = { reachable: true; facts: TargetFacts } | { reachable: false; cause: UnknownCause };

/** Edge capability: serve ACME http-01 key authorizations at `/.well-known/acme-challenge/<token>`. */
export interface ChallengeSink {
  publishChallenge(token: string, content: string): Promise<void>;
  removeChallenge(token: string): Promise<void>;
}

export interface Target {
  /** The target key this instance serves (`local`, `agent:node-1`, ...). */
  readonly key: string;
  /** The resource kinds this target applies; the engine sends it nothing else. */
  readonly kinds: readonly ResourceKind[];
  /** A cheap, read-only check that the target answers and accepts our credentials, with its facts. */
  probe(): Promise<Reachability>;
  /**
   * Reports the live state of every resource given: the desired ones plus those applied before (from
   * the inventory) so prune candidates are seen too. Read-only. A target that cannot answer returns
   * `state: 'unknown'` observations with the cause instead of throwing.
   */
  observe(resources: DesiredResource[]): Promise<ObservedResource[]>;
  /** Performs one task as an idempotent "ensure": running it twice leaves the same state. */
  apply(task: Task, signal?: AbortSignal): Promise<TaskResult>;
  /** Current health of one resource (called while waiting for a change to settle). */
  health(resource: DesiredResource): Promise<Health>;
  /**
   * Optional: watches the live state of these resources (ones it serves, as desired now) until
   * `signal` aborts and tells `listener.drift` one line whenever someone other than Boreas changes or
   * deletes one, so a long-running controller reconciles between resyncs. It re-establishes itself
   * after errors (each told to `listener.error`).
   */
  watch?(resources: DesiredResource[], listener: WatchListener, signal: AbortSignal): Promise<void>;
  /** Present on edge targets (they serve ACME http-01 challenges for certificates). */
  readonly challenges?: ChallengeSink;
  /** Releases connections, timers, child handles. */
  close?(): Promise<void>;
}

/** Where a target's watch reports (Target.watch). */
export interface WatchListener {
  drift(reason: string): void;
  error?(message: string): void;
}

/** The Node and Environment specs targets are built from (not the whole manifest set). */
export interface TargetScope {
  node(name: string): Node | undefined;
  environment(name: string): Environment | undefined;
  environments(): Environment[];
}

export interface TargetContext {
  store: Store;
  log: Logger;
  /** Directory next to the state file (`.boreas/`); targets keep their own files under it. */
  stateDir: string;
  /** Root of the checked-out manifests, for commands/paths given relative to the repo. */
  repoDir: string;
  /** Resolves `valueFrom`/`tokenFrom` where the value is used; never log the result. */
  resolveSecret(source: SecretSource): Promise<string>;
  /** Another target by key (a certificate asks the edges of its hosts to publish challenges). */
  peer(key: string): Promise<Target>;
  /** `plan`, `--dry-run`, `status`: targets must not create or change any state of their own. */
  readOnly: boolean;
}

/** Creates target instances of one type; registered explicitly in targets/index.ts. */
export interface TargetFactory {
  /** Key prefix handled: `local`, `agent`, `kubernetes`, `certificates`. */
  readonly type: string;
  /** True when its resources live on this machine (what `boreas down` removes without --all). */
  readonly onThisMachine: boolean;
  create(key: string, ctx: TargetContext, scope: TargetScope): Target | Promise<Target>;
}
