// Where each ordinal of a machine application runs: everything on this machine for `local`
// environments; on the environment's eligible Nodes (placement.ts) for `pm` environments.
import type { ManifestSet } from '../manifests/model.js';
import type { Application, Environment, Node } from '../model/manifest-types.generated.js';
import { agentTarget, localTarget } from './ids.js';
import type { Placement } from './machine-instances.js';
import { placeInstances } from './placement.js';
import type { DesiredContext } from './context.js';

export function placeOnEnvironment(app: Application, env: Environment, manifests: ManifestSet, ctx: DesiredContext, warnings: string[]): Placement[] {
  if (env.spec.type === 'local') {
    const replicas = app.spec.replicas ?? 1;
    return Array.from({ length: replicas }, (_, ordinal) => ({ ordinal, node: 'local', slot: ordinal, target: localTarget, host: '127.0.0.1' }));
  }
  const nodes = environmentNodes(env, manifests);
  const placement = app.spec.placement ?? {};
  const candidates = nodes
    .filter((n) => !placement.nodes || placement.nodes.includes(n.metadata.name))
    .map((n) => ({
      name: n.metadata.name,
      labels: n.metadata.labels ?? {},
      cordoned: n.spec.cordoned ?? false,
      online: ctx.targetReachable(agentTarget(n.metadata.name)),
    }));
  const replicas = app.spec.replicas ?? (placement.nodes?.length || candidates.length);
  const result = placeInstances({
    app: app.metadata.name,
    replicas,
    nodes: candidates,
    selector: placement.nodeSelector,
    maxPerNode: placement.maxPerNode ?? 1,
    previous: ctx.previousPlacement(app.metadata.name),
  });
  if (result.unplaced > 0) warnings.push(`Application/${app.metadata.name}: ${result.unplaced} of ${replicas} instance(s) found no eligible node`);
  const byName = new Map(nodes.map((n) => [n.metadata.name, n]));
  return result.placements.map((p) => ({ ...p, target: agentTarget(p.node), host: nodeHost(byName.get(p.node)!) }));
}

/** Nodes an environment spans: listed by name, or matched by its selector. */
export function environmentNodes(env: Environment, manifests: ManifestSet): Node[] {
  const all = [...manifests.nodes.values()].map((l) => l.manifest);
  if (env.spec.nodes) return all.filter((n) => env.spec.nodes!.includes(n.metadata.name));
  const sel = env.spec.nodeSelector;
  if (sel) return all.filter((n) => Object.entries(sel).every(([k, v]) => n.metadata.labels?.[k] === v));
  return all;
}

/** The address instances on a node are reached at: spec.host, else the host part of the agent address. */
export function nodeHost(node: Node): string {
  if (node.spec.host) return node.spec.host;
  const addr = node.spec.address ?? '';
  const i = addr.lastIndexOf(':');
  return (i > 0 ? addr.slice(0, i) : addr).replace(/^\[|\]$/g, '') || node.metadata.name;
}
