// Facts about Kubernetes objects the pure desired side needs (the object type itself is
// model/kube-object.ts).
import type { RawKubeObject } from '../../manifests/model.js';
import type { Json } from '../../model/json.js';
import type { KubeObject } from '../../model/kube-object.js';

export type { KubeObject } from '../../model/kube-object.js';

/**
 * Built-in kinds that are cluster-scoped. The desired side is pure (no discovery), so it needs this
 * list to know where the environment's namespace must not be defaulted; CRD-defined kinds are
 * looked up in the CRDs of the same manifest set.
 */
export const clusterScopedKinds = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'StorageClass',
  'PriorityClass',
  'IngressClass',
  'RuntimeClass',
  'CSIDriver',
  'CSINode',
  'VolumeAttachment',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'APIService',
  'CertificateSigningRequest',
  'FlowSchema',
  'PriorityLevelConfiguration',
  'ComponentStatus',
]);

/** Kinds applied before everything else of their application (nothing else can exist without them). */
export function isFoundationKind(kind: string): boolean {
  return kind === 'Namespace' || kind === 'CustomResourceDefinition';
}

/**
 * A raw object as parsed from YAML, copied into plain wire JSON (what JSON.stringify keeps), so the
 * desired side never shares or mutates the manifest set's objects. Validation has refused labels and
 * annotations that are not strings before this runs; any left are written as text.
 */
export function kubeObjectOf(raw: RawKubeObject['object']): KubeObject {
  const metadata: KubeObject['metadata'] = { name: raw.metadata.name };
  for (const [k, v] of Object.entries(raw.metadata)) {
    if (k === 'name') continue;
    if (k === 'labels' || k === 'annotations') {
      if (v && typeof v === 'object' && !Array.isArray(v)) metadata[k] = Object.fromEntries(Object.entries(v).map(([key, value]) => [key, String(value)]));
      continue;
    }
    const j = toJson(v);
    if (j !== undefined) metadata[k] = j;
  }
  const out: KubeObject = { apiVersion: raw.apiVersion, kind: raw.kind, metadata };
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'apiVersion' || k === 'kind' || k === 'metadata') continue;
    const j = toJson(v);
    if (j !== undefined) out[k] = j;
  }
  return out;
}

/** A JSON copy of a parsed YAML value; undefined for what JSON has no form of (functions, undefined). */
function toJson(v: unknown): Json | undefined {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map((item) => toJson(item) ?? null);
  if (typeof v === 'object') {
    const out: { [k: string]: Json } = {};
    for (const [k, item] of Object.entries(v)) {
      const j = toJson(item);
      if (j !== undefined) out[k] = j;
    }
    return out;
  }
  return undefined;
}
