// The shape of a Kubernetes object as Boreas handles it: plain wire JSON (wire field names such as
// `x-kubernetes-preserve-unknown-fields`, never the client library's model names).
import type { Json } from '../../model/resource.js';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: Json | undefined };
  [k: string]: Json | undefined | KubeObject['metadata'];
}

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

export function deepClone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}
