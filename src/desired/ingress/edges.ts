// Which nodes serve an Ingress, and the target each one is reached through.
import type { ManifestSet } from '../../manifests/model.js';
import type { Ingress } from '../../model/manifest-types.generated.js';
import { agentTarget, localTarget } from '../ids.js';

export interface EdgeNode {
  /** Node name; `local` for this machine. */
  node: string;
  target: string;
}

/** Edge nodes of an Ingress: `nodes`, else `nodeSelector` over the Nodes, else this machine. */
export function ingressEdges(ingress: Ingress, manifests: ManifestSet): EdgeNode[] {
  const { nodes, nodeSelector } = ingress.spec;
  if (!nodes && !nodeSelector) return [{ node: 'local', target: localTarget }];
  const all = [...manifests.nodes.values()].map((l) => l.manifest);
  const picked = all.filter(
    (n) => (!nodes || nodes.includes(n.metadata.name)) && (!nodeSelector || Object.entries(nodeSelector).every(([k, v]) => n.metadata.labels?.[k] === v)),
  );
  return picked
    .map((n) => n.metadata.name)
    .sort()
    .map((node) => ({ node, target: agentTarget(node) }));
}

export function nginxSiteId(target: string, ingress: string): string {
  return `${target}/NginxSite/${ingress}`;
}

export function certificateFilesId(target: string, certificate: string): string {
  return `${target}/CertificateFiles/${certificate}`;
}
