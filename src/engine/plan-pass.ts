// Desired → observe → plan, shared by `plan` and `reconcile` (the same code path up to execution).
import { buildDesired, type DesiredContext, type DesiredGraph } from '../desired/index.js';
import type { ManifestSet } from '../manifests/model.js';
import type { Plan } from '../model/plan.js';
import type { DesiredResource, ObservedResource } from '../model/resource.js';
import { computePlan } from '../plan/compute.js';
import type { InventoryItem, Store } from '../store/store.js';
import type { TargetRegistry } from '../targets/registry.js';
import type { Logger } from '../util/logger.js';
import { observeAll } from './observe.js';
import { applyPins } from './pins.js';
import { UNSETTLED } from '../plan/tasks.js';
import { refreshNodeLiveness } from '../targets/agent/liveness.js';
import { buildEdgeResources, type EdgeOptions } from './edge.js';
import type { RevisionSecrets } from '../secrets/index.js';

export interface PassResult {
  graph: DesiredGraph;
  desired: DesiredResource[];
  observed: Map<string, ObservedResource>;
  inventory: Map<string, InventoryItem>;
  plan: Plan;
}

export interface PassOptions {
  revision: string;
  manifests: ManifestSet;
  store: Store;
  registry: TargetRegistry;
  log: Logger;
  prune: boolean;
  /** Issue/renew certificates on the way (reconcile) or only read the issued ones (plan). */
  issueCertificates?: boolean;
  /** `plan`: change nothing in the store that is not an observation (pins stay as they are). */
  readOnly?: boolean;
  /** The revision's encrypted values (preflight): keyed digests for desired specs, values for certificates. */
  secrets?: RevisionSecrets;
  /** Edge facts and challenge publishing, supplied by the targets. */
  edge?: Pick<EdgeOptions, 'nodeFacts' | 'challenges'>;
}

export async function planPass(opts: PassOptions): Promise<PassResult> {
  const inventory = new Map(opts.store.listInventory().map((i) => [i.resource.id, i]));
  // Placement needs today's node liveness, not the previous pass's: a node back online keeps its instances.
  const pmNodes = [...opts.manifests.nodes.values()].map((l) => ({ name: l.manifest.metadata.name, address: l.manifest.spec.address }));
  if (pmNodes.length) await refreshNodeLiveness(opts.store, pmNodes, 5000);
  const graph = buildDesired(opts.manifests, { ...desiredContext(inventory, opts.store), secretDigest: opts.secrets?.digest });
  const machine = applyPins(graph.resources, opts.store, opts.revision, { lift: !opts.readOnly });
  const machineIds = new Set(machine.map((r) => r.id));
  const observed = await observeAll(machine, opts.registry, opts.log);
  // Edge resources depend on instance health, so they are built after the first observation.
  const edge = await buildEdgeResources(
    {
      manifests: opts.manifests,
      store: opts.store,
      log: opts.log,
      issueCertificates: opts.issueCertificates ?? false,
      registry: opts.registry,
      resolveSecret: opts.secrets?.resolve,
      ...opts.edge,
    },
    machine,
    observed,
  );
  const desired = [...machine, ...edge];
  const desiredIds = new Set([...machineIds, ...edge.map((r) => r.id)]);
  const rest = [...edge, ...[...inventory.values()].filter((i) => !desiredIds.has(i.resource.id)).map((i) => i.resource)];
  for (const [id, o] of await observeAll(rest, opts.registry, opts.log)) observed.set(id, o);
  opts.store.saveObserved([...observed.values()]);
  // Adopt what is live and in sync but missing from the inventory (a crash between apply and record,
  // or a lost state file), so prune and `down` still know it. Nothing is written on a true no-op.
  if (!opts.readOnly) {
    for (const d of desired) {
      const o = observed.get(d.id);
      if (!inventory.has(d.id) && o?.exists && o.appliedHash === d.hash && !o.details?.offline) {
        opts.store.recordApplied(d, 'adopted', opts.revision);
        inventory.set(d.id, { resource: d, appliedHash: d.hash, revision: opts.revision, lastTaskKey: 'adopted', appliedAt: new Date().toISOString() });
      }
    }
  }
  const plan = computePlan({ revision: opts.revision, desired, observed, inventory, prune: opts.prune, unsettled: (id) => opts.store.getKv(UNSETTLED, id) });
  return { graph, desired, observed, inventory, plan };
}

/** Stable placement inputs from the inventory: the node each ordinal of an app ran on. */
function desiredContext(inventory: Map<string, InventoryItem>, store: Store): DesiredContext {
  const previous = new Map<string, Map<number, string>>();
  for (const { resource } of inventory.values()) {
    if (resource.kind !== 'Instance') continue;
    const spec = resource.spec as { ordinal?: number; node?: string };
    if (spec.ordinal === undefined || !spec.node) continue;
    (previous.get(resource.owner) ?? previous.set(resource.owner, new Map()).get(resource.owner)!).set(spec.ordinal, spec.node);
  }
  const offline = new Set<string>(JSON.parse(store.getKv('nodes', 'offline') ?? '[]'));
  return { previousPlacement: (app) => previous.get(app) ?? new Map(), nodeOnline: (node) => !offline.has(node) };
}
