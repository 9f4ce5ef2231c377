// The opt-out from pruning (as Flux's `kustomize.toolkit.fluxcd.io/prune: disabled`): a Kubernetes
// object annotated `boreas.dev/prune: disabled` is left in place when it leaves Git, and reported.
import type { DesiredResource, KubeObjectResource } from '../model/resource.js';
import { hashJson } from '../util/hash.js';

export const PRUNE_ANNOTATION = 'boreas.dev/prune';

export function pruneDisabled(r: DesiredResource): boolean {
  return r.kind === 'KubeObject' && r.spec.metadata?.annotations?.[PRUNE_ANNOTATION] === 'disabled';
}

export function withPruneDisabled(r: KubeObjectResource): KubeObjectResource {
  const spec = { ...r.spec, metadata: { ...r.spec.metadata, annotations: { ...(r.spec.metadata.annotations ?? {}), [PRUNE_ANNOTATION]: 'disabled' } } };
  return { ...r, spec, hash: hashJson(spec) };
}
