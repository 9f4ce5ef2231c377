// Kubernetes API versions over time, for offline validation against the cluster version an
// Environment names (`spec.kubernetes.kubernetesVersion`): an apiVersion removed in or before that
// version, or not yet served by it, is an error before anything reaches a cluster. Data from the
// official "Deprecated API Migration Guide" (kubernetes.io/docs/reference/using-api/deprecation-guide)
// and the release notes; kinds whose API moved more than once are listed per version.

/** The version validation assumes when the Environment names none (the one of the bundled schemas). */
export const DEFAULT_KUBERNETES_VERSION = '1.33';

interface Removal {
  /** `group/version` (core: `v1`). */
  gv: string;
  kinds: string[] | '*';
  removedIn: number;
  use: string;
}

const removals: Removal[] = [
  { gv: 'extensions/v1beta1', kinds: ['Deployment', 'DaemonSet', 'ReplicaSet'], removedIn: 16, use: 'apps/v1' },
  { gv: 'extensions/v1beta1', kinds: ['NetworkPolicy'], removedIn: 16, use: 'networking.k8s.io/v1' },
  { gv: 'extensions/v1beta1', kinds: ['PodSecurityPolicy'], removedIn: 16, use: 'policy/v1beta1 (itself removed in 1.25)' },
  { gv: 'extensions/v1beta1', kinds: ['Ingress'], removedIn: 22, use: 'networking.k8s.io/v1' },
  { gv: 'apps/v1beta1', kinds: '*', removedIn: 16, use: 'apps/v1' },
  { gv: 'apps/v1beta2', kinds: '*', removedIn: 16, use: 'apps/v1' },
  { gv: 'networking.k8s.io/v1beta1', kinds: ['Ingress', 'IngressClass'], removedIn: 22, use: 'networking.k8s.io/v1' },
  { gv: 'admissionregistration.k8s.io/v1beta1', kinds: '*', removedIn: 22, use: 'admissionregistration.k8s.io/v1' },
  { gv: 'apiextensions.k8s.io/v1beta1', kinds: '*', removedIn: 22, use: 'apiextensions.k8s.io/v1' },
  { gv: 'apiregistration.k8s.io/v1beta1', kinds: '*', removedIn: 22, use: 'apiregistration.k8s.io/v1' },
  { gv: 'authentication.k8s.io/v1beta1', kinds: '*', removedIn: 22, use: 'authentication.k8s.io/v1' },
  { gv: 'authorization.k8s.io/v1beta1', kinds: '*', removedIn: 22, use: 'authorization.k8s.io/v1' },
  { gv: 'certificates.k8s.io/v1beta1', kinds: '*', removedIn: 22, use: 'certificates.k8s.io/v1' },
  { gv: 'coordination.k8s.io/v1beta1', kinds: '*', removedIn: 22, use: 'coordination.k8s.io/v1' },
  { gv: 'rbac.authorization.k8s.io/v1beta1', kinds: '*', removedIn: 22, use: 'rbac.authorization.k8s.io/v1' },
  { gv: 'scheduling.k8s.io/v1beta1', kinds: '*', removedIn: 22, use: 'scheduling.k8s.io/v1' },
  { gv: 'storage.k8s.io/v1beta1', kinds: ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'], removedIn: 22, use: 'storage.k8s.io/v1' },
  { gv: 'batch/v1beta1', kinds: ['CronJob'], removedIn: 25, use: 'batch/v1' },
  { gv: 'discovery.k8s.io/v1beta1', kinds: ['EndpointSlice'], removedIn: 25, use: 'discovery.k8s.io/v1' },
  { gv: 'events.k8s.io/v1beta1', kinds: ['Event'], removedIn: 25, use: 'events.k8s.io/v1' },
  { gv: 'autoscaling/v2beta1', kinds: ['HorizontalPodAutoscaler'], removedIn: 25, use: 'autoscaling/v2' },
  { gv: 'policy/v1beta1', kinds: ['PodDisruptionBudget'], removedIn: 25, use: 'policy/v1' },
  { gv: 'policy/v1beta1', kinds: ['PodSecurityPolicy'], removedIn: 25, use: 'Pod Security Admission (no replacement kind)' },
  { gv: 'node.k8s.io/v1beta1', kinds: ['RuntimeClass'], removedIn: 25, use: 'node.k8s.io/v1' },
  { gv: 'autoscaling/v2beta2', kinds: ['HorizontalPodAutoscaler'], removedIn: 26, use: 'autoscaling/v2' },
  { gv: 'flowcontrol.apiserver.k8s.io/v1beta1', kinds: '*', removedIn: 26, use: 'flowcontrol.apiserver.k8s.io/v1' },
  { gv: 'storage.k8s.io/v1beta1', kinds: ['CSIStorageCapacity'], removedIn: 27, use: 'storage.k8s.io/v1' },
  { gv: 'flowcontrol.apiserver.k8s.io/v1beta2', kinds: '*', removedIn: 29, use: 'flowcontrol.apiserver.k8s.io/v1' },
  { gv: 'flowcontrol.apiserver.k8s.io/v1beta3', kinds: '*', removedIn: 32, use: 'flowcontrol.apiserver.k8s.io/v1' },
];

/** First minor version that serves a group/version as GA (only those newer than 1.16 matter). */
const introduced: { gv: string; kinds: string[] | '*'; since: number }[] = [
  { gv: 'networking.k8s.io/v1', kinds: ['Ingress', 'IngressClass'], since: 19 },
  { gv: 'batch/v1', kinds: ['CronJob'], since: 21 },
  { gv: 'policy/v1', kinds: ['PodDisruptionBudget'], since: 21 },
  { gv: 'discovery.k8s.io/v1', kinds: '*', since: 21 },
  { gv: 'events.k8s.io/v1', kinds: '*', since: 19 },
  { gv: 'node.k8s.io/v1', kinds: '*', since: 20 },
  { gv: 'autoscaling/v2', kinds: '*', since: 23 },
  { gv: 'storage.k8s.io/v1', kinds: ['CSIStorageCapacity'], since: 24 },
  { gv: 'flowcontrol.apiserver.k8s.io/v1', kinds: '*', since: 29 },
  { gv: 'admissionregistration.k8s.io/v1', kinds: ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'], since: 30 },
  { gv: 'resource.k8s.io/v1', kinds: '*', since: 34 },
];

/** `1.33` → 33 (only 1.x exists). */
export function minorOf(version: string): number {
  return Number(version.split('.')[1]);
}

/** Why an apiVersion cannot be used on a cluster of `version`, or undefined when it can. */
export function apiVersionProblem(apiVersion: string, kind: string, version: string): string | undefined {
  const minor = minorOf(version);
  const matches = (e: { gv: string; kinds: string[] | '*' }) => e.gv === apiVersion && (e.kinds === '*' || e.kinds.includes(kind));
  const removed = removals.find(matches);
  if (removed && minor >= removed.removedIn)
    return `${apiVersion} ${kind} was removed in Kubernetes 1.${removed.removedIn} (this environment targets ${version}): use ${removed.use}`;
  const added = introduced.find(matches);
  if (added && minor < added.since) return `${apiVersion} ${kind} is served from Kubernetes 1.${added.since} on (this environment targets ${version})`;
  return undefined;
}
