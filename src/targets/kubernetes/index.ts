// Kubernetes target factory (type `kubernetes`, keys `kubernetes:<environment>`).
//
// The factory is given a lookup of Environments by name because a target key carries only the
// environment name, while the connection (context, namespace, kubeconfigFrom) lives in its spec.
// The engine wires it as `createKubernetesTargetFactory((n) => manifests()?.environments.get(n)?.manifest)`.
// An unknown environment (e.g. pruning after it was removed from Git) falls back to the default
// kubeconfig and its current context.
import type { Environment } from '../../manifests/types.generated.js';
import type { TargetFactory } from '../target.js';
import { KubeClient } from './client.js';
import { REQUEST_TIMEOUT_MS } from './constants.js';
import { KubeHttp } from './http.js';
import { loadKubeConfig } from './kubeconfig.js';
import { KubernetesTarget } from './target.js';

export { FIELD_MANAGER, SPEC_HASH_ANNOTATION } from './constants.js';
export { healthOf } from './health.js';
export { KubernetesTarget } from './target.js';

/** Factory for `kubernetes:<env>` targets; `environment(name)` returns that Environment's manifest. */
export function createKubernetesTargetFactory(environment: (name: string) => Environment | undefined): TargetFactory {
  return {
    type: 'kubernetes',
    async create(key, ctx) {
      const envName = key.slice('kubernetes:'.length);
      const env = environment(envName);
      const kc = await loadKubeConfig(envName, env, ctx);
      const http = new KubeHttp(kc, { timeoutMs: REQUEST_TIMEOUT_MS, signal: ctx.signal });
      return new KubernetesTarget(key, new KubeClient(http, envName), ctx, env?.spec.kubernetes?.health ?? []);
    },
  };
}
