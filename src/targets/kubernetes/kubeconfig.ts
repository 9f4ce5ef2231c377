// Cluster connection of one `type: kubernetes` Environment.
//
// `kubeconfigFrom` resolves (through TargetContext.resolveSecret) to the kubeconfig itself: the
// content of `file`, or the value of `env`. A single-line value that is neither `key: value` YAML
// nor JSON is taken as a path to a kubeconfig file instead (e.g. `env: KUBECONFIG_PROD` holding
// `/etc/boreas/prod.kubeconfig`). Without `kubeconfigFrom`: $KUBECONFIG or ~/.kube/config.
import { KubeConfig } from '@kubernetes/client-node';
import type { Environment } from '../../model/manifest-types.generated.js';
import { UserError } from '../../model/errors.js';
import type { TargetContext } from '../target.js';

/** A KubeConfig switched to the environment's context (default: the current one). */
export async function loadKubeConfig(envName: string, env: Environment | undefined, ctx: Pick<TargetContext, 'resolveSecret'>): Promise<KubeConfig> {
  const kc = new KubeConfig();
  const k = env?.spec.kubernetes;
  try {
    if (k?.kubeconfigFrom) {
      const value = await ctx.resolveSecret(k.kubeconfigFrom);
      if (looksLikePath(value)) kc.loadFromFile(value.trim());
      else kc.loadFromString(value);
    } else {
      kc.loadFromDefault();
    }
  } catch (err) {
    if (err instanceof UserError) throw err;
    // the message names the source, never the content (it holds credentials)
    throw new UserError(`environment ${envName}: kubeconfig cannot be loaded: ${(err as Error).message.split('\n')[0]}`);
  }
  if (k?.context) {
    if (!kc.getContextObject(k.context))
      throw new UserError(
        `environment ${envName}: context "${k.context}" is not in the kubeconfig (known: ${
          kc
            .getContexts()
            .map((c) => c.name)
            .join(', ') || 'none'
        })`,
      );
    kc.setCurrentContext(k.context);
  }
  if (!kc.getCurrentCluster()) throw new UserError(`environment ${envName}: the kubeconfig has no cluster for context "${kc.getCurrentContext()}"`);
  return kc;
}

/** One line, not JSON, no `key: value`: a path rather than kubeconfig content. */
function looksLikePath(value: string): boolean {
  const v = value.trim();
  return !v.includes('\n') && !v.startsWith('{') && !v.includes(': ');
}
