// Builds `boreas status` data from the inventory, refreshed by a live observation of the targets
// (falling back to the cached observation when a target cannot be reached).
import type { ObservedResource } from '../model/resource.js';
import type { InstanceSpec } from '../runtime/instance-spec.js';
import type { AppStatus } from '../report/status-model.js';
import type { Session } from './session.js';
import { observeAll } from './observe.js';
import { certificatesByApp } from './status-certificates.js';

/** Owners of edge resources; they are shown as certificate rows of the applications, not as apps. */
const edgeOwner = (owner: string) => owner.startsWith('Ingress/') || owner.startsWith('Certificate/');

export async function collectStatus(session: Session, app?: string): Promise<AppStatus[]> {
  const all = session.store.listInventory();
  const inventory = all.filter((i) => (!app || i.resource.owner === app) && !edgeOwner(i.resource.owner));
  const certFiles = all.filter((i) => i.resource.kind === 'CertificateFiles');
  const registry = session.targets(undefined, process.cwd());
  const cached = new Map(session.store.listObserved().map((o) => [o.id, o]));
  const live = await observeAll(
    [...inventory, ...certFiles].map((i) => i.resource),
    registry,
    session.log,
  );
  const observed = (id: string): ObservedResource | undefined => {
    const o = live.get(id);
    return o && !o.details?.offline ? o : (cached.get(id) ?? o);
  };
  const byApp = new Map<string, AppStatus>();
  const appliedAt = new Map<string, string>();
  for (const item of inventory) {
    const r = item.resource;
    let entry = byApp.get(r.owner);
    if (!entry) byApp.set(r.owner, (entry = { app: r.owner, environment: r.environment, revision: item.revision, instances: [] }));
    if (item.appliedAt > (appliedAt.get(r.owner) ?? '')) {
      appliedAt.set(r.owner, item.appliedAt);
      entry.revision = item.revision;
    }
    if (r.kind !== 'Instance' && r.kind !== 'KubeObject') continue;
    const o = observed(r.id);
    let health = o?.health ?? { status: 'Unknown' as const, level: 0 };
    if (o?.exists && r.kind === 'Instance') {
      try {
        health = await (await registry.get(r.target)).health(r);
      } catch {
        /* keep the observed health */
      }
    }
    const spec = r.spec as unknown as Partial<InstanceSpec>;
    const port = spec.ports ? Object.values(spec.ports)[0] : undefined;
    entry.instances.push({
      instance: r.name,
      node: spec.node ?? r.target,
      version: spec.version ?? '',
      health,
      endpoint: spec.host && port ? `${spec.host}:${port}` : undefined,
      drift: o?.drift,
    });
  }
  const certificates = certificatesByApp(session.store, certFiles, observed);
  for (const entry of byApp.values()) {
    const certs = certificates.get(entry.app);
    if (certs?.length) entry.certificates = certs;
  }
  return [...byApp.values()].sort((a, b) => a.app.localeCompare(b.app));
}
