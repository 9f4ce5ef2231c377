// The whole desired graph of a revision without asking any target (plan --base, PR previews): every
// instance counts as up, this machine's edge is what Git declares, a node's edge has the agent
// defaults, and certificates are unissued (so two revisions differ only where Git does).
import type { ManifestSet } from '../manifests/model.js';
import { defaultNginxFacts } from '../model/edge-specs.js';
import type { DesiredResource } from '../model/resource.js';
import { buildEdgeResources } from './edge.js';
import { localTarget } from './ids.js';
import { buildDesired, type DesiredContext, defaultDesiredContext } from './index.js';
import { declaredLocalEdge } from './ingress/local-edge.js';

/** `secretDigest` stands for encrypted values (plan --base: a hash of the ciphertext, nothing decrypted). */
export function desiredWithoutTargets(manifests: ManifestSet, secretDigest?: DesiredContext['secretDigest']): DesiredResource[] {
  const machine = buildDesired(manifests, { ...defaultDesiredContext, secretDigest }).resources;
  const local = declaredLocalEdge(manifests);
  const edge = buildEdgeResources(manifests, machine, {
    endpointUp: () => true,
    facts: (target) => (target === localTarget ? (local ?? defaultNginxFacts) : defaultNginxFacts),
    certificate: () => undefined,
  });
  return [...machine, ...edge];
}
