// The opt-out from pruning (as Flux's `kustomize.toolkit.fluxcd.io/prune: disabled`): a Kubernetes
// object annotated `boreas.dev/prune: disabled` is left in place when it leaves Git, and reported.
import type { DesiredResource, Json } from '../model/resource.js';
import { hashJson } from '../util/hash.js';

export const PRUNE_ANNOTATION = 'boreas.dev/prune';

type Meta = { annotations?: Record<string, string> };

export function pruneDisabled(r: DesiredResource): boolean {
  if (r.kind !== 'KubeObject') return false;
  const meta = (r.spec as { metadata?: Meta } | null)?.metadata;
  return meta?.annotations?.[PRUNE_ANNOTATION] === 'disabled';
}

export function withPruneDisabled(r: DesiredResource): DesiredResource {
  const spec = r.spec as { metadata: Meta } & { [k: string]: Json };
  const next = {
    ...spec,
    metadata: { ...spec.metadata, annotations: { ...(spec.metadata.annotations ?? {}), [PRUNE_ANNOTATION]: 'disabled' } },
  } as unknown as Json;
  return { ...r, spec: next, hash: hashJson(next) };
}
