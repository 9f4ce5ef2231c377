// Kubernetes target factory (type `kubernetes`, keys `kubernetes:<environment>`).
//
// A target key carries only the environment name; the connection (context, namespace,
// kubeconfigFrom) comes from that Environment's spec in the target scope. An unknown environment
// (e.g. pruning after it was removed from Git) falls back to the default kubeconfig and its current
// context.
import type { TargetFactory } from '../target.js';
import { KubeClient } from './client.js';
import { loadKubeConfig } from './kubeconfig.js';
import { KubernetesTarget } from './target.js';

export { FIELD_MANAGER, SPEC_HASH_ANNOTATION } from './constants.js';
export { healthOf } from './health.js';
export { KubernetesTarget } from './target.js';

/** Factory for `kubernetes:<env>` targets; `environment(name)` returns that Environment's manifest. */
export function createKubernetesTargetFactory(): TargetFactory {
  return {
    type: 'kubernetes',
    onThisMachine: false,
    async create(key, ctx, scope) {
      const envName = key.slice('kubernetes:'.length);
      const kc = await loadKubeConfig(envName, scope.environment(envName), ctx);
      return new KubernetesTarget(key, new KubeClient(kc), ctx);
    },
  };
}
