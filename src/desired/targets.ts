// Which targets the desired graph needs to hear from before it can be built: every Node (placement
// keeps new instances off nodes that do not answer) and every edge (sites are rendered for the nginx
// settings the edge reports). The engine probes exactly these, read-only.
import type { ManifestSet } from '../manifests/model.js';
import { agentTarget } from './ids.js';
import { ingressEdges } from './ingress/edges.js';

export function reachabilityTargets(manifests: ManifestSet): string[] {
  const keys = new Set<string>();
  for (const name of manifests.nodes.keys()) keys.add(agentTarget(name));
  for (const { manifest } of manifests.ingresses.values()) for (const e of ingressEdges(manifest, manifests)) keys.add(e.target);
  return [...keys].sort();
}
