// Ids and labels of Kubernetes resources. Ids key the inventory, so their format is part of the state
// file: changing it makes every object look new (create + prune).
import type { KubeObject } from './object.js';

/** Target key of a `type: kubernetes` environment. */
export const kubeTarget = (env: string) => `kubernetes:${env}`;

/** `kubernetes:<env>/KubeObject/<apiVersion>/<Kind>/<namespace or _>/<name>`. */
export function kubeObjectId(env: string, obj: KubeObject): string {
  return `${kubeTarget(env)}/KubeObject/${obj.apiVersion}/${obj.kind}/${obj.metadata.namespace ?? '_'}/${obj.metadata.name}`;
}

/** Human name of an object within its owner: `<Kind>/<ns>/<name>` (also the `rendered` label). */
export function kubeObjectLabel(obj: KubeObject): string {
  return `${obj.kind}/${obj.metadata.namespace ?? '_'}/${obj.metadata.name}`;
}

/** Labels on every object Boreas applies; prune and `kubectl get -l` find Boreas objects by them. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'boreas';
export const APPLICATION_LABEL = 'boreas.dev/application';
/** Pod label that ties a rendered Deployment to its pods (selectors are immutable, so it never changes). */
export const DEPLOYMENT_LABEL = 'boreas.dev/deployment';
export const VERSION_LABEL = 'boreas.dev/version';
