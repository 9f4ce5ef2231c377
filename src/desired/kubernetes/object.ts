// Facts about Kubernetes objects the pure desired side needs (the object type itself is
// model/kube-object.ts).
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

export function deepClone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}
