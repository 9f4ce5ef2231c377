// The Node and Environment specs targets are built from. From a revision's manifests when there is
// one; otherwise (status, down, a daemon restart before its first load) from the snapshot the last
// reconcile kept in the store — references only (tokenFrom, kubeconfigFrom), never the secrets.
import type { ManifestSet } from '../manifests/model.js';
import type { Environment, Node } from '../model/manifest-types.generated.js';
import type { Store } from '../store/store.js';
import type { TargetScope } from '../targets/target.js';

interface ScopeSnapshot {
  nodes: Record<string, Node>;
  environments: Record<string, Environment>;
}

const snapshotKey = ['targets', 'scope'] as const;

export function scopeOf(manifests: ManifestSet): TargetScope {
  return fromSnapshot(snapshotOf(manifests));
}

/** The last remembered scope (empty before any reconcile). */
export async function rememberedScope(store: Store): Promise<TargetScope> {
  const raw = await store.getKv(...snapshotKey);
  return fromSnapshot(raw ? (JSON.parse(raw) as ScopeSnapshot) : { nodes: {}, environments: {} });
}

/** Remembers the scope for later commands; writes nothing when unchanged. */
export async function rememberScope(store: Store, manifests: ManifestSet): Promise<void> {
  const text = JSON.stringify(snapshotOf(manifests));
  if ((await store.getKv(...snapshotKey)) !== text) await store.setKv(...snapshotKey, text);
}

function snapshotOf(m: ManifestSet): ScopeSnapshot {
  return {
    nodes: Object.fromEntries([...m.nodes].sort(([a], [b]) => a.localeCompare(b)).map(([n, l]) => [n, l.manifest])),
    environments: Object.fromEntries([...m.environments].sort(([a], [b]) => a.localeCompare(b)).map(([n, l]) => [n, l.manifest])),
  };
}

function fromSnapshot(s: ScopeSnapshot): TargetScope {
  return {
    node: (name) => s.nodes[name],
    environment: (name) => s.environments[name],
    environments: () => Object.values(s.environments),
  };
}
