// Certificate rows of `boreas status`: for each application behind a TLS Ingress, the certificate's
// SANs, expiry, current version and which version each edge node serves (from the live observation
// of its CertificateFiles). Works without the manifests: the Ingress → application mapping comes from
// the snapshot the edge stage keeps, the certificate facts from the certificate store.
import type { ObservedResource } from '../model/resource.js';
import type { CertificateStatus } from '../model/status.js';
import type { InventoryItem } from '../model/inventory.js';
import type { Store } from '../store/store.js';
import { certificateStatus, currentCertificate } from '../targets/certificates/index.js';
import { type EdgeSnapshot, edgeSnapshotKey } from './record.js';

/** Certificates per application name, ready for AppStatus.certificates. */
export async function certificatesByApp(
  store: Store,
  inventory: InventoryItem[],
  observed: (id: string) => ObservedResource | undefined,
  now = new Date(),
): Promise<Map<string, CertificateStatus[]>> {
  const snapshot = JSON.parse((await store.getKv(...edgeSnapshotKey)) ?? '{"ingresses":{}}') as EdgeSnapshot;
  const files = inventory.filter((i) => i.resource.kind === 'CertificateFiles');
  const names = [...new Set(Object.values(snapshot.ingresses).flatMap((i) => (i.certificate ? [i.certificate] : [])))].sort();
  // Without the manifests, the issued record's domains stand in for the Certificate's.
  const certs = await Promise.all(names.map(async (name) => ({ name, domains: (await currentCertificate(store, name))?.domains ?? [] })));
  const specOf = (i: InventoryItem) => (i.resource.kind === 'CertificateFiles' ? i.resource.spec : undefined);
  const nodesOf = (cert: string) => files.filter((f) => specOf(f)?.certificate === cert);
  const served = (cert: string, node: string) => {
    const item = nodesOf(cert).find((f) => specOf(f)?.node === node);
    return item ? servedFingerprint(observed(item.resource.id)) : undefined;
  };
  const rows = new Map<string, CertificateStatus>();
  for (const s of await certificateStatus(store, certs, (c) => nodesOf(c).flatMap((f) => specOf(f)?.node ?? []), served, now)) {
    const drifted = s.nodes.filter((n) => n.drift);
    rows.set(s.name, {
      name: s.name,
      domains: s.domains,
      sans: s.sans,
      notAfter: s.notAfter,
      daysLeft: s.daysLeft,
      issuer: s.issuer,
      version: s.version,
      fingerprint: s.fingerprint,
      nodes: s.nodes.map((n) => ({
        node: n.node,
        ...(n.servedVersion !== undefined ? { version: n.servedVersion } : {}),
        ...(n.servedFingerprint ? { fingerprint: n.servedFingerprint } : {}),
        drift: n.drift,
      })),
      ...(s.version === undefined
        ? { message: 'not issued yet' }
        : drifted.length
          ? {
              message: `drift: ${drifted.map((n) => `${n.node} serves ${n.servedVersion ? `version ${n.servedVersion}` : n.servedFingerprint ? 'another certificate' : 'nothing'}`).join(', ')}`,
            }
          : {}),
    });
  }
  const out = new Map<string, CertificateStatus[]>();
  for (const ing of Object.values(snapshot.ingresses)) {
    const row = ing.certificate ? rows.get(ing.certificate) : undefined;
    if (!row) continue;
    for (const app of ing.applications) {
      const list = out.get(app) ?? out.set(app, []).get(app)!;
      if (!list.some((c) => c.name === row.name)) list.push(row);
    }
  }
  for (const list of out.values()) list.sort((a, b) => a.name.localeCompare(b.name));
  return out;
}

/** The leaf fingerprint a node serves: local and agent observations report it as `cert:<hex>`. */
function servedFingerprint(o: ObservedResource | undefined): string | undefined {
  if (o?.state !== 'present') return undefined;
  const d = o.details?.servedFingerprint;
  if (typeof d === 'string') return d;
  return o.fingerprint?.startsWith('cert:') ? o.fingerprint.slice('cert:'.length) : undefined;
}
