// The targets Boreas knows, wired to the manifests they need: agent targets read Node addresses and
// token sources, Kubernetes targets their Environment's cluster settings. Commands that run without
// a repository (status, down) use the snapshot of those specs kept in the store by the last pass
// (references only: tokenFrom/kubeconfigFrom, never the secrets themselves).
import type { ManifestSet } from '../manifests/model.js';
import type { Environment, Node } from '../manifests/types.generated.js';
import type { Store } from '../store/store.js';
import type { TargetFactory } from '../targets/target.js';
import { localTargetFactory } from '../targets/local/index.js';
import { createAgentTargetFactory } from '../targets/agent/index.js';
import type { PullDispatcher } from '../targets/agent/transport.js';
import { createKubernetesTargetFactory } from '../targets/kubernetes/index.js';

interface TargetSpecs {
  nodes: Record<string, Node['spec']>;
  environments: Record<string, Environment>;
}

const snapshotKey = ['targets', 'specs'] as const;

/** Remembers Node and Environment specs for later commands; writes nothing when unchanged. */
export function rememberTargetSpecs(store: Store, manifests: ManifestSet): void {
  const specs: TargetSpecs = {
    nodes: Object.fromEntries([...manifests.nodes].map(([n, l]) => [n, l.manifest.spec])),
    environments: Object.fromEntries([...manifests.environments].map(([n, l]) => [n, l.manifest])),
  };
  store.setKv(...snapshotKey, JSON.stringify(specs));
}

/** `pull`: the daemon's queue for agents that poll (Nodes without an address). */
export function targetFactories(store: Store, manifests: () => ManifestSet | undefined, opts: { pull?: PullDispatcher } = {}): TargetFactory[] {
  let snapshot: TargetSpecs | undefined;
  const remembered = () => (snapshot ??= JSON.parse(store.getKv(...snapshotKey) ?? '{"nodes":{},"environments":{}}') as TargetSpecs);
  return [
    localTargetFactory,
    createAgentTargetFactory((node) => manifests()?.nodes.get(node)?.manifest.spec ?? remembered().nodes[node], { pull: opts.pull }),
    createKubernetesTargetFactory((env) => manifests()?.environments.get(env)?.manifest ?? remembered().environments[env]),
  ];
}
