// Kubernetes target factory (type `kubernetes`, keys `kubernetes:<environment>`).
//
// A target key carries only the environment name; the connection (context, namespace,
// kubeconfigFrom) comes from that Environment's spec in the target scope. An unknown environment
// (e.g. pruning after it was removed from Git) falls back to the default kubeconfig and its current
// context.
import type { TargetFactory } from '../target.js';
import { KubeClient } from './client.js';
import { REQUEST_TIMEOUT_MS } from './constants.js';
import { KubeHttp } from './http.js';
import { loadKubeConfig } from './kubeconfig.js';
import { stateIdOf } from './ownership.js';
import { KubernetesTarget } from './target.js';

export { FIELD_MANAGER, SPEC_HASH_ANNOTATION } from './constants.js';
export { healthOf } from './health.js';
export { KubernetesTarget } from './target.js';

/** Factory for `kubernetes:<env>` targets; the Environment comes from the target scope. */
export function createKubernetesTargetFactory(): TargetFactory {
  return {
    type: 'kubernetes',
    onThisMachine: false,
    async create(key, ctx, scope) {
      const envName = key.slice('kubernetes:'.length);
      const env = scope.environment(envName);
      const kc = await loadKubeConfig(envName, env, ctx);
      const http = new KubeHttp(kc, { timeoutMs: REQUEST_TIMEOUT_MS });
      return new KubernetesTarget(key, new KubeClient(http, envName), ctx, {
        rules: env?.spec.kubernetes?.health ?? [],
        replaceOnImmutable: env?.spec.kubernetes?.replaceOnImmutable,
        stateId: await stateIdOf(ctx.store, ctx.readOnly),
      });
    },
  };
}
