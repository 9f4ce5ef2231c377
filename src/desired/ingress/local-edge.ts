// The edge on this machine as Git declares it: a local Environment's `spec.nginx`. Used where no
// target is asked (plan --base); a reconcile gets the same facts from the local target's probe.
import type { ManifestSet } from '../../manifests/model.js';
import { type NginxNodeFacts, nginxFactsOf } from '../../model/edge-specs.js';

export function declaredLocalEdge(manifests: ManifestSet): NginxNodeFacts | undefined {
  for (const { manifest } of manifests.environments.values())
    if (manifest.spec.type === 'local' && manifest.spec.nginx) return nginxFactsOf(manifest.spec.nginx);
  return undefined;
}
