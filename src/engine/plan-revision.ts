// Desired → observe → plan for one revision: the code path `plan`, `reconcile --dry-run` and every
// pass of `reconcile` share up to execution. Only reads: the store is read (inventory, pins,
// unsettled resources), targets are probed and observed, and the desired graph and the plan are pure
// functions of what was read. Recording what was seen is the reconcile's job (record.ts), so `plan`
// leaves the state file byte-identical.
import { buildDesired, buildEdgeResources, type DesiredContext, type DesiredGraph, reachabilityTargets } from '../desired/index.js';
import { certificateId } from '../desired/ids.js';
import type { ManifestSet } from '../manifests/model.js';
import type { InventoryItem } from '../model/inventory.js';
import type { Plan } from '../model/plan.js';
import type { DesiredResource, ObservedResource } from '../model/resource.js';
import { computePlan, needsChange } from '../plan/compute.js';
import { UNSETTLED } from '../plan/tasks.js';
import type { Store } from '../store/store.js';
import type { TargetRegistry } from '../targets/registry.js';
import { observeResources, type Probes, probeTargets } from './observe.js';
import { activePins, applyPins } from './pins.js';
import { graphKey, placementFingerprint, type RevisionMemo } from './revision-memo.js';

export interface PassResult {
  graph: DesiredGraph;
  desired: DesiredResource[];
  observed: Map<string, ObservedResource>;
  inventory: Map<string, InventoryItem>;
  probes: Probes;
  plan: Plan;
}

export interface PassOptions {
  revision: string;
  manifests: ManifestSet;
  store: Store;
  registry: TargetRegistry;
  prune: boolean;
  allowMassDelete?: boolean;
  /** Stands for the revision's encrypted values in desired specs (from the secrets preflight). */
  secretDigest?: DesiredContext['secretDigest'];
  /**
   * Only these environments (a daemon replica's shard, docs/ha.md): desired resources and the
   * inventory of other environments are left out, so they are neither applied nor pruned here.
   */
  environments?: ReadonlySet<string>;
  /** Reuses the desired graph of an unchanged revision (the session's); absent: built every pass. */
  memo?: RevisionMemo;
  /** Keyed fingerprint of the revision's secret values (RevisionSecrets.fingerprint), part of the memo key. */
  secretsFingerprint?: string;
}

export async function planRevision(opts: PassOptions): Promise<PassResult> {
  const { store, registry } = opts;
  const scope = opts.environments;
  const inScope = (r: { environment: string }) => !scope || scope.has(r.environment);
  const inventory = new Map((await store.listInventory()).filter((i) => inScope(i.resource)).map((i) => [i.resource.id, i]));
  // Read once per pass: the plan is a pure function of what was read.
  const unsettledIds = await store.listKv(UNSETTLED);
  const unsettled = (id: string) => unsettledIds.get(id);
  const probes = await probeTargets(registry, reachabilityTargets(opts.manifests));
  const build = () => buildDesired(opts.manifests, { ...desiredContext(inventory, probes), secretDigest: opts.secretDigest });
  const graph = opts.memo
    ? opts.memo.graphFor(
        graphKey(opts.revision, probes.unreachable.keys(), opts.secretsFingerprint ?? ''),
        placementFingerprint([...inventory.values()].map((i) => i.resource)),
        build,
      )
    : build();
  const pinned = await applyPins(graph.resources, await activePins(store, opts.revision), (rev) => store.loadDesired(rev));
  const base = scope ? pinned.filter(inScope) : pinned;
  const observed = await observeResources(registry, base, probes.unreachable);
  // An Ingress may route to applications of environments another replica owns: their endpoints
  // count as up when that replica last observed them healthy.
  const elsewhere = scope && opts.manifests.ingresses.size ? new Map((await store.listObserved()).map((o) => [o.id, o])) : undefined;

  // Sites are rendered for endpoints that are up: healthy now, or about to be (re)started in this pass.
  const byId = new Map(base.map((r) => [r.id, r]));
  const up = (id: string) => {
    if (elsewhere && !byId.has(id)) return (elsewhere.get(id)?.health.level ?? 0) >= 100;
    const o = observed.get(id);
    if (o?.state === 'unknown') return false;
    const d = byId.get(id);
    return (o?.health.level ?? 0) >= 100 || (!!d && needsChange(d, o, inventory.get(id), unsettled(id)));
  };
  const allEdge = buildEdgeResources(opts.manifests, pinned, {
    endpointUp: up,
    facts: (target) => probes.facts.get(target)?.nginx,
    certificate: (name) => issuedVersion(observed.get(certificateId(name)) ?? elsewhere?.get(certificateId(name))),
  });
  const edge = scope ? allEdge.filter(inScope) : allEdge;
  const desired = [...base, ...edge];
  const desiredIds = new Set(desired.map((r) => r.id));
  const rest = [...edge, ...[...inventory.values()].filter((i) => !desiredIds.has(i.resource.id)).map((i) => i.resource)];
  for (const [id, o] of await observeResources(registry, rest, probes.unreachable)) observed.set(id, o);

  const plan = computePlan({
    revision: opts.revision,
    desired,
    observed,
    inventory,
    prune: opts.prune,
    unsettled,
    unreachable: probes.unreachable,
    allowMassDelete: opts.allowMassDelete,
  });
  return { graph, desired, observed, inventory, probes, plan };
}

/** Stable placement inputs from the inventory (the node each ordinal of an app ran on) and the probes. */
function desiredContext(inventory: Map<string, InventoryItem>, probes: Probes): DesiredContext {
  const previous = new Map<string, Map<number, string>>();
  for (const { resource } of inventory.values()) {
    if (resource.kind !== 'Instance') continue;
    const { ordinal, node } = resource.spec;
    (previous.get(resource.owner) ?? previous.set(resource.owner, new Map()).get(resource.owner)!).set(ordinal, node);
  }
  return { previousPlacement: (app) => previous.get(app) ?? new Map(), targetReachable: (key) => !probes.unreachable.has(key) };
}

/** The version a certificate's observation reports as issued now. */
function issuedVersion(o: ObservedResource | undefined): { version: number; fingerprint: string } | undefined {
  const v = o?.details?.version;
  const fp = o?.details?.fingerprint;
  return o?.state === 'present' && typeof v === 'number' && typeof fp === 'string' ? { version: v, fingerprint: fp } : undefined;
}
