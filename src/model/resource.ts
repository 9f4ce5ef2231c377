// The unit everything after validation works on. The desired graph turns manifests into
// DesiredResources; targets observe them into ObservedResources; the plan pairs the two.
// A resource id is stable across revisions, so the pairing (and history) is by id. Each kind has its
// own typed spec (a union keyed by `kind`), so nothing downstream re-types a spec by casting.
import type { CertificateFilesSpec, CertificateSpec, NginxSiteSpec } from './edge-specs.js';
import type { Json } from './json.js';
import type { KubeObject } from './kube-object.js';
import type { FileSpec, InstanceSpec } from './machine-specs.js';

export type { Json } from './json.js';

interface ResourceBase {
  /**
   * Stable unique key: `<target>/<Kind>/<name>`, e.g. `local/Instance/api-0`,
   * `agent:node-1/File/api-0/etc/api.yaml`, `kubernetes:prod/KubeObject/apps/v1/Deployment/shop/api`.
   */
  id: string;
  /** Target instance that owns it: `local`, `agent:<node>`, `kubernetes:<environment>`, `certificates`. */
  target: string;
  /** Owning Application (or `Ingress/<name>`, `Certificate/<name>`, `Environment/<name>`). */
  owner: string;
  /** Environment name the resource belongs to (for per-environment summaries). */
  environment: string;
  /** Human name within the owner, e.g. `api-0`, `/etc/api/config.yaml`. */
  name: string;
  /** sha256 of the canonical JSON of `spec` (see util/hash.ts). Equal hash = nothing to do. */
  hash: string;
  /** Resource ids that must be applied and healthy before this one is changed. */
  dependsOn: string[];
  /** Rollout batch (0 first) within the owner's release; resources in one batch change together. */
  batch?: number;
  /** Text rendered for humans in diffs (e.g. file content); keys are labels. Never secrets. */
  rendered?: Record<string, string>;
  /** Set on copies read back from the state file whose secret values were replaced by digests: never apply one. */
  redacted?: boolean;
  /**
   * Resources whose current state this spec was rendered from (certificate files from the issued
   * version). When one of them changes in a pass, this change waits for the next pass, re-rendered.
   */
  derivedFrom?: string[];
  /** Where the resource is written in Git (raw Kubernetes objects), so a target's refusal can name `file:line`. */
  origin?: { file: string; line: number; col: number };
  /** A sync hook: it runs (again) whenever anything else of its owner is created or changed. */
  hook?: HookPolicy;
  /** The owner may take over this object from another owner (Application `kubernetes.adopt: true`). */
  adopt?: boolean;
}

/**
 * How a sync hook (a PreSync migration Job, a PostSync notification) runs, from its delete policies
 * (Argo CD's and Helm's): a hook runs when its owner syncs, so an existing one is re-created
 * (`recreate`, BeforeHookCreation, the default) rather than re-applied, and it may be deleted once it
 * succeeded or failed. A hook that ran with its current spec and was deleted counts as in sync.
 */
export interface HookPolicy {
  /** BeforeHookCreation: a hook that runs again is deleted and created anew. */
  recreate: boolean;
  /** HookSucceeded: deleted once healthy. */
  deleteOnSuccess: boolean;
  /** HookFailed: deleted once it failed (not healthy within the wait). */
  deleteOnFailure: boolean;
}

/** One running copy of an application (process/container/script/systemd) on one node. */
export interface InstanceResource extends ResourceBase {
  kind: 'Instance';
  spec: InstanceSpec;
}

/** A rendered config file belonging to an instance. */
export interface FileResource extends ResourceBase {
  kind: 'File';
  spec: FileSpec;
}

/** One rendered nginx site config on one edge node. */
export interface NginxSiteResource extends ResourceBase {
  kind: 'NginxSite';
  spec: NginxSiteSpec;
}

/** A certificate+key deployed on one edge node. */
export interface CertificateFilesResource extends ResourceBase {
  kind: 'CertificateFiles';
  spec: CertificateFilesSpec;
}

/** A certificate the controller issues and renews (kept, versioned, in the state store). */
export interface CertificateResource extends ResourceBase {
  kind: 'Certificate';
  spec: CertificateSpec;
}

/** One Kubernetes object. */
export interface KubeObjectResource extends ResourceBase {
  kind: 'KubeObject';
  spec: KubeObject;
}

/**
 * Full desired content a target acts on. Secrets appear only as `{valueFrom: ...}` references;
 * they are resolved by the target at apply time and never stored or printed.
 */
export type DesiredResource = InstanceResource | FileResource | NginxSiteResource | CertificateFilesResource | CertificateResource | KubeObjectResource;

/** Which kinds of resource exist; each target serves some of them. */
export type ResourceKind = DesiredResource['kind'];

/** The resource type of one kind, e.g. `ResourceOf<'Instance'>`. */
export type ResourceOf<K extends ResourceKind> = Extract<DesiredResource, { kind: K }>;

/** Ordered health levels (argo gitops-engine style); `level` is 0–100 as in the node status API. */
export type HealthStatus = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';

export interface Health {
  status: HealthStatus;
  /** 0–100; 100 = healthy. */
  level: number;
  message?: string;
}

/**
 * Why a resource could not be observed. Unknown is never success: an Unknown resource is neither
 * pruned nor re-created, and keeps `plan` from saying "No changes" and `reconcile` from "Converged".
 */
export type UnknownReason = 'unreachable' | 'unauthorized' | 'timeout' | 'error' | 'unserved';

export interface UnknownCause {
  reason: UnknownReason;
  /** What did not answer, for people: `node n1`, `cluster prod`. */
  subject?: string;
  /** One line, e.g. `node n1: unauthorized (401): token rejected`. */
  message: string;
}

/** What a target saw of a resource: there, not there, or not knowable right now. */
export type ObservedState = 'present' | 'absent' | 'unknown';

export interface ObservedResource {
  id: string;
  state: ObservedState;
  /** Set when state is `unknown`. */
  cause?: UnknownCause;
  /** Hash of the spec last applied, as recorded on the target side; undefined when unknown. */
  appliedHash?: string;
  /** Applied spec as recorded, for field-level diffs of updates. */
  appliedSpec?: Json;
  health: Health;
  /** Why the live state differs from what was applied (process gone, file edited on disk, ...). */
  drift?: string[];
  /**
   * A short fingerprint of what was seen (pid + start time, file hash, resourceVersion). It enters the
   * task idempotency key so that a repair of the same desired content is a new task.
   */
  fingerprint?: string;
  /** Target-specific facts shown by `status` (pid, node, endpoint, container id, ...). */
  details?: Record<string, Json>;
  /** What applying the desired resource would do, in words, when the target can say better than "create"/"repair" (e.g. "renew certificate web-cert: expires in 12 days"). */
  pending?: string;
  /**
   * Why the target cannot apply this resource at all, in one line (its kind is not served by the
   * cluster): it is planned as blocked, never created or retried, and the run does not converge.
   */
  blocked?: string;
  /** Another owner manages the live object: it is taken over only when the resource may adopt it. */
  ownedBy?: ForeignOwner;
  /** The change can only be made by deleting and re-creating the resource (an immutable field changes, and the resource allows that). */
  replace?: string;
}

/** Who else manages an object: another application of this state, another installation (state id), or another tool. */
export interface ForeignOwner {
  by: 'application' | 'installation' | 'manager';
  /** The application, the other state id, or the tool (`Helm`). */
  name: string;
}

/** `application web`, `another Boreas installation (state 3fa2c1d0e9b8)`, `Helm`. */
export function describeOwner(o: ForeignOwner): string {
  if (o.by === 'application') return `application ${o.name}`;
  if (o.by === 'installation') return `another Boreas installation (state ${o.name})`;
  return o.name;
}

/** An observation of a resource whose target could not answer. */
export function unknownObservation(id: string, cause: UnknownCause): ObservedResource {
  return { id, state: 'unknown', cause, health: { status: 'Unknown', level: 0, message: cause.message } };
}
