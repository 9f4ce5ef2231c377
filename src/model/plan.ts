// The plan is plain data (changesets style): `plan` prints it, `reconcile` executes it, the PR
// report renders it. Nothing here performs I/O.
import type { DesiredResource, Json, ObservedResource, UnknownCause } from './resource.js';

/**
 * `replace`: delete, then create (an immutable field changes, or a sync hook runs again); `adopt`: take
 * over an object another owner manages (the owner opted in), then apply it.
 */
export type ChangeAction = 'create' | 'update' | 'delete' | 'repair' | 'replace' | 'adopt';

/** PascalCase reason codes (flux conditions style). */
export type ChangeReason =
  | 'NotFound' // desired, not on the target
  | 'SpecChanged' // desired hash differs from applied hash
  | 'Drifted' // same spec, but live state differs (process died, file edited)
  | 'Pruned' // applied before, no longer desired
  | 'Moved' // the same resource leaves one location for another (see Change.move)
  | 'Stopped' // state: Stopped
  | 'Unhealthy' // the last change applied but never became healthy
  | 'HookRerun' // a sync hook runs again because its owner changes
  | 'OwnedElsewhere'; // another owner manages it; taken over (adopt)

export interface FieldDiff {
  /** Dotted path inside the spec. */
  path: string;
  before?: Json;
  after?: Json;
}

/** Which resource a plan entry is about, and whose it is. */
export interface ResourceRef {
  id: string;
  target: string;
  kind: DesiredResource['kind'];
  owner: string;
  environment: string;
  name: string;
}

export interface Change extends ResourceRef {
  action: ChangeAction;
  reason: ChangeReason;
  /** Human sentence, e.g. "process exited (pid 1234 not running)". */
  message: string;
  /** Desired resource (absent for delete). */
  desired?: DesiredResource;
  /** Observed resource (absent when never seen). */
  observed?: ObservedResource;
  fields: FieldDiff[];
  /** Unified diffs of rendered text keyed by label (file path), secrets masked. */
  textDiffs: Record<string, string>;
  /** Set when the change is (half of) a move: the same resource leaving one location for another. */
  move?: ChangeMove;
  /**
   * Why this change gets no task in this pass although it is planned (e.g. "after certificate
   * shop-cert is issued"): reconcile applies it in a later pass, once what it waits for is done.
   */
  deferred?: string;
}

/**
 * A move, shown as one `move from → to` entry instead of an unrelated delete and create. Either two
 * changes of one resource identity on different targets (an instance placed on another node: a create
 * and a delete, each carrying the other's id as `counterpart`), or one change of a resource whose
 * location on its target changed (a site's config path): then `counterpart` is absent.
 */
export interface ChangeMove {
  /** Old location: a target key (`agent:node-3`) or a path on the target. */
  from: string;
  /** New location. */
  to: string;
  /** Id of the other half of a two-change move. */
  counterpart?: string;
}

/** A resource that could not be observed: neither pruned nor re-created, and never "in sync". */
export interface UnknownResource extends ResourceRef {
  cause: UnknownCause;
  /** Whether it is still desired (true) or only in the inventory (false: a prune candidate that is kept). */
  desired: boolean;
}

/**
 * A desired resource that cannot be applied as things are (its kind is not served by the cluster,
 * another owner manages it): no task, no retry, and the run is not converged until that changes.
 */
export interface BlockedResource {
  id: string;
  target: string;
  kind: DesiredResource['kind'];
  owner: string;
  environment: string;
  name: string;
  /** One line: `Ingress networking.k8s.io/v1 is not served by cluster prod (API missing or CRD not installed)`. */
  message: string;
}

/** One target that could not be observed, with the cause in one line (`node n1: unauthorized (401): ...`). */
export interface UnknownTarget {
  target: string;
  cause: UnknownCause;
  resources: number;
}

/** Deletions held back because they would remove more than half of what an environment has. */
export interface MassDelete {
  environment: string;
  deleting: number;
  managed: number;
}

export interface Plan {
  revision: string;
  changes: Change[];
  /** Resources that are desired and in sync (counted for summaries). */
  unchanged: number;
  /** Applied resources no longer desired but kept because of --no-prune (or a prune opt-out). */
  orphans: Change[];
  /** Resources whose target could not be observed; listed first, and the plan is not "No changes". */
  unknown: UnknownResource[];
  /** The targets behind `unknown`, one line each. */
  unknownTargets: UnknownTarget[];
  /** Desired resources that cannot be applied now (nothing is tried); listed, and the plan is not "No changes". */
  blocked?: BlockedResource[];
  /** Set when prunes were held back by the mass-delete guard (see engine/guards). */
  massDelete?: MassDelete[];
}

export type TaskState = 'pending' | 'blocked' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** What applying a task did (flux ChangeSet style). */
export type TaskOutcome = 'created' | 'configured' | 'unchanged' | 'deleted' | 'failed';

export interface Task {
  /** Idempotency key: sha256 of target, resource, action, desired hash, observed fingerprint, previous key. */
  key: string;
  revision: string;
  resourceId: string;
  target: string;
  action: ChangeAction;
  /** The desired resource for create/update/repair; for delete, the last applied one. */
  resource: DesiredResource;
  /** Keys of tasks that must succeed (and be healthy) first. */
  dependsOn: string[];
  /** Resources this one depends on that no task changes, but that were not healthy when planned: waited for before applying. */
  waitFor?: string[];
}

export interface TaskResult {
  outcome: TaskOutcome;
  message?: string;
  /** Target facts to record (pid, container id, ...). */
  details?: Record<string, unknown>;
}
