// Builds `boreas status` data from the inventory, refreshed by a live, read-only observation of the
// targets (falling back to the cached observation, marked with why, when a target cannot answer).
import type { ObservedResource } from '../model/resource.js';
import type { AppStatus } from '../model/status.js';
import { observeResources } from './observe.js';
import type { Session } from './session.js';
import { certificatesByApp } from './status-certificates.js';
import { rememberedScope } from './target-scope.js';

/** Owners of edge resources; they are shown as certificate rows of the applications, not as apps. */
const edgeOwner = (owner: string) => owner.startsWith('Ingress/') || owner.startsWith('Certificate/');

export async function collectStatus(session: Session, app?: string): Promise<AppStatus[]> {
  const all = await session.store.listInventory();
  const inventory = all.filter((i) => (!app || i.resource.owner === app) && !edgeOwner(i.resource.owner));
  const certFiles = all.filter((i) => i.resource.kind === 'CertificateFiles');
  const registry = session.targets(await rememberedScope(session.store), process.cwd(), { readOnly: true });
  const cached = new Map((await session.store.listObserved()).map((o) => [o.id, o]));
  const live = await observeResources(
    registry,
    [...inventory, ...certFiles].map((i) => i.resource),
    new Map(),
  );
  const observed = (id: string): ObservedResource | undefined => live.get(id) ?? cached.get(id);
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
    const health = o?.health ?? { status: 'Unknown' as const, level: 0 };
    const spec = r.kind === 'Instance' ? r.spec : undefined;
    const port = spec ? Object.values(spec.ports)[0] : undefined;
    entry.instances.push({
      instance: r.name,
      node: spec?.node ?? r.target,
      version: spec?.version ?? '',
      health,
      endpoint: spec?.host && port ? `${spec.host}:${port}` : undefined,
      drift: o?.drift,
    });
  }
  const certificates = await certificatesByApp(session.store, certFiles, observed);
  for (const entry of byApp.values()) {
    const certs = certificates.get(entry.app);
    if (certs?.length) entry.certificates = certs;
  }
  return [...byApp.values()].sort((a, b) => a.app.localeCompare(b.app));
}
