// In-memory memo of what an unchanged revision costs to rebuild: its validated manifests (instead
// of reading the on-disk revision cache again) and its desired graph (instead of placing, rendering
// and hashing every resource again). The daemon keeps one for its lifetime, so a no-op resync of
// 10,000 applications neither deserialises nor rebuilds anything; a CLI session keeps one for its
// run. Keys say everything the value depends on (see graphKey), so a hit is always the same value a
// rebuild would give. Bounded: the newest `keep` entries of each kind.
import type { DesiredGraph } from '../desired/index.js';
import type { ManifestSet } from '../manifests/model.js';
import type { DesiredResource } from '../model/resource.js';
import { sha256 } from '../util/hash.js';

export class RevisionMemo {
  private readonly manifests = new Map<string, ManifestSet>();
  private readonly graphs = new Map<string, { placements: Set<string>; graph: DesiredGraph }>();

  constructor(private readonly keep = 2) {}

  manifestsFor(key: string, load: () => ManifestSet | undefined): ManifestSet | undefined {
    const hit = this.manifests.get(key);
    if (hit) return hit;
    const value = load();
    if (value) remember(this.manifests, key, value, this.keep);
    return value;
  }

  rememberManifests(key: string, value: ManifestSet): void {
    remember(this.manifests, key, value, this.keep);
  }

  /**
   * The graph for `key` (everything but placement) given the previous placement `placement`: a hit
   * when the graph was built from that placement, or when it is the placement that graph produced
   * (placement is stable: instances stay where they ran, so building again from the graph's own
   * placement gives the same graph; this is what lets the pass after a first apply reuse it).
   */
  graphFor(key: string, placement: string, build: () => DesiredGraph): DesiredGraph {
    const hit = this.graphs.get(key);
    if (hit?.placements.has(placement)) return hit.graph;
    const graph = build();
    remember(this.graphs, key, { placements: new Set([placement, placementFingerprint(graph.resources)]), graph }, this.keep);
    return graph;
  }
}

function remember<T>(map: Map<string, T>, key: string, value: T, keep: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > keep) map.delete(map.keys().next().value as string);
}

/**
 * What a desired graph is a function of besides the manifests of `revision` and the placement: which
 * targets are unreachable, and the secrets (a keyed fingerprint of the encrypted values, never the values).
 */
export function graphKey(revision: string, unreachable: Iterable<string>, secrets: string): string {
  return sha256([revision, secrets, [...unreachable].sort().join('\0')].join('\u0001'));
}

/** The node of every instance ordinal of every application, as one string (from the inventory or a graph). */
export function placementFingerprint(resources: Iterable<DesiredResource>): string {
  const placement: string[] = [];
  for (const resource of resources) {
    if (resource.kind === 'Instance') placement.push(`${resource.owner}\0${resource.spec.ordinal}\0${resource.spec.node}`);
  }
  return sha256(placement.sort().join('\n'));
}
