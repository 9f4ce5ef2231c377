// Builds `boreas status` data (and the daemon's application views) from the inventory, refreshed by
// a live, read-only observation of the targets (falling back to the cached observation when a target
// cannot answer), or, for the dashboard, from the cached observations alone (the daemon's resync
// keeps them fresh, and 10,000 applications must not mean 10,000 target calls per page view).
import type { InventoryItem } from '../model/inventory.js';
import type { ObservedResource } from '../model/resource.js';
import { type AppStatus, averageLevel, type InstanceStatus, type SyncState } from '../model/status.js';
import type { Json } from '../model/json.js';
import { appliedRevisions } from './applied-revision.js';
import { observeResources } from './observe.js';
import type { Session } from './session.js';
import { certificatesByApp } from './status-certificates.js';
import { driftItem, resourceSync, worstHealth, worstSync } from './status-sync.js';
import { rememberedScope } from './target-scope.js';

/** Owners of edge resources; they are shown as certificate rows of the applications, not as apps. */
const edgeOwner = (owner: string) => owner.startsWith('Ingress/') || owner.startsWith('Certificate/');

export interface StatusOptions {
  /** Only this application. */
  app?: string;
  /** `live` (default): ask the targets now; `cached`: the observations the last reconcile stored. */
  observe?: 'live' | 'cached';
}

export async function collectStatus(session: Session, opts: StatusOptions = {}): Promise<AppStatus[]> {
  const { app } = opts;
  const all = await session.store.listInventory();
  const inventory = all.filter((i) => (!app || i.resource.owner === app) && !edgeOwner(i.resource.owner));
  const certFiles = all.filter((i) => i.resource.kind === 'CertificateFiles');
  const cached = new Map((await session.store.listObserved()).map((o) => [o.id, o]));
  let live = new Map<string, ObservedResource>();
  if (opts.observe !== 'cached') {
    const registry = session.targets(await rememberedScope(session.store), process.cwd(), { readOnly: true });
    live = await observeResources(
      registry,
      [...inventory, ...certFiles].map((i) => i.resource),
      new Map(),
    );
  }
  const observed = (id: string): ObservedResource | undefined => live.get(id) ?? cached.get(id);
  const byOwner = new Map<string, InventoryItem[]>();
  for (const item of inventory) (byOwner.get(item.resource.owner) ?? byOwner.set(item.resource.owner, []).get(item.resource.owner)!).push(item);
  const revisionOf = await appliedRevisions(session.store);
  const certificates = await certificatesByApp(session.store, certFiles, observed);
  const out: AppStatus[] = [];
  for (const [owner, items] of byOwner) {
    items.sort((a, b) => a.resource.id.localeCompare(b.resource.id));
    const newest = items.reduce((a, b) => (b.appliedAt > a.appliedAt ? b : a));
    const instances: InstanceStatus[] = [];
    const entry: AppStatus = {
      app: owner,
      environment: newest.resource.environment,
      revision: await revisionOf(owner, newest.revision),
      sync: 'in-sync',
      health: { status: 'Missing', level: 0 },
      drift: [],
      instances,
    };
    const states: SyncState[] = [];
    for (const item of items) {
      const o = observed(item.resource.id);
      const { sync, message } = resourceSync(item, o);
      states.push(sync);
      if (sync !== 'in-sync') entry.drift.push(driftItem(item, sync, message ?? sync));
      const r = item.resource;
      if (r.kind !== 'Instance' && r.kind !== 'KubeObject') continue;
      const spec = r.kind === 'Instance' ? r.spec : undefined;
      const port = spec ? Object.values(spec.ports)[0] : undefined;
      instances.push({
        instance: r.name,
        node: spec?.node ?? r.target,
        version: spec?.version ?? '',
        health: o?.health ?? { status: 'Unknown', level: 0, message: 'not observed yet' },
        sync,
        ...(spec?.host && port ? { endpoint: `${spec.host}:${port}` } : {}),
        ...processFacts(o?.details),
        ...(o?.drift?.length ? { drift: o.drift } : {}),
      });
    }
    entry.sync = worstSync(states);
    entry.health = { status: worstHealth(instances.map((i) => i.health.status)), level: averageLevel(instances) };
    const certs = certificates.get(owner);
    if (certs?.length) entry.certificates = certs;
    out.push(entry);
  }
  return out.sort((a, b) => a.app.localeCompare(b.app));
}

/** The pid or container id a runner reported (process, script, systemd main pid, container). */
function processFacts(details: Record<string, Json> | undefined): Pick<InstanceStatus, 'pid' | 'containerId'> {
  if (!details) return {};
  const pid = typeof details.pid === 'number' ? details.pid : typeof details.mainPid === 'number' ? details.mainPid : undefined;
  const containerId = typeof details.containerId === 'string' ? details.containerId : undefined;
  return { ...(pid ? { pid } : {}), ...(containerId ? { containerId } : {}) };
}
