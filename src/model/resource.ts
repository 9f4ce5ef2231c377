// The unit everything after validation works on. The desired graph turns manifests into
// DesiredResources; targets observe them into ObservedResources; the plan pairs the two.
// A resource id is stable across revisions, so the pairing (and history) is by id.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Which kinds of resource exist; each target handles some of them. */
export type ResourceKind =
  | 'Instance' // one running copy of an application (process/container/script/systemd) on one node
  | 'File' // a rendered config file belonging to an instance
  | 'NginxSite' // one rendered nginx site config on one edge node
  | 'CertificateFiles' // a certificate+key deployed on one edge node
  | 'KubeObject'; // one Kubernetes object

export interface DesiredResource {
  /**
   * Stable unique key: `<target>/<Kind>/<name>`, e.g. `local/Instance/api-0`,
   * `agent:node-1/File/api-0/etc/api.yaml`, `kubernetes:prod/KubeObject/apps/v1/Deployment/shop/api`.
   */
  id: string;
  /** Target instance that owns it: `local`, `agent:<node>`, `kubernetes:<environment>`. */
  target: string;
  kind: ResourceKind;
  /** Owning Application (or `Ingress/<name>`, `Certificate/<name>` for edge resources). */
  owner: string;
  /** Environment name the resource belongs to (for per-environment summaries). */
  environment: string;
  /** Human name within the owner, e.g. `api-0`, `/etc/api/config.yaml`. */
  name: string;
  /**
   * Full desired content the target acts on. Secrets appear only as `{valueFrom: ...}` references;
   * they are resolved by the target at apply time and never stored or printed.
   */
  spec: Json;
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
  /** Where the resource is written in Git (raw Kubernetes objects), so a target's refusal can name `file:line`. */
  origin?: { file: string; line: number; col: number };
}

/** Ordered health levels (argo gitops-engine style); `level` is 0–100 as in seed 000. */
export type HealthStatus = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';

export interface Health {
  status: HealthStatus;
  /** 0–100; 100 = healthy. */
  level: number;
  message?: string;
}

export interface ObservedResource {
  id: string;
  /** false when the target found nothing (never applied, killed, deleted by hand). */
  exists: boolean;
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
}
