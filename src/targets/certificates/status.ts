// Data for `boreas status`: each certificate's SANs, expiry and current version, and which version
// each edge node serves. A node serving a fingerprint other than the current one is drift.
import { certificatesNamespace, currentCertificate, type CertificateRecord, type KvStore } from './cert-store.js';

export interface CertificateNodeStatus {
  node: string;
  /** Fingerprint found on the node; undefined when nothing is deployed there. */
  servedFingerprint?: string;
  /** Version that fingerprint belongs to, when it is one Boreas issued. */
  servedVersion?: number;
  drift: boolean;
}

export interface CertificateStatus {
  name: string;
  domains: string[];
  issuer?: CertificateRecord['issuer'];
  version?: number;
  sans: string[];
  notAfter?: string;
  daysLeft?: number;
  fingerprint?: string;
  nodes: CertificateNodeStatus[];
}

/**
 * One row per Certificate. `served` maps certificate → node → served fingerprint (from the
 * CertificateFiles observations); `edgeNodes` lists the nodes that should serve each certificate.
 */
export async function certificateStatus(
  store: KvStore,
  certificates: Array<{ name: string; domains: string[] }>,
  edgeNodes: (certificate: string) => string[],
  served: (certificate: string, node: string) => string | undefined,
  now = new Date(),
): Promise<CertificateStatus[]> {
  const rows = await Promise.all(
    certificates.map(async (c) => {
      const name = c.name;
      const rec = await currentCertificate(store, name);
      const versions = rec ? await versionsByFingerprint(store, name, rec.version) : new Map<string, number>();
      return {
        name,
        domains: [...c.domains],
        issuer: rec?.issuer,
        version: rec?.version,
        sans: rec?.sans ?? [],
        notAfter: rec?.notAfter,
        daysLeft: rec ? Math.floor((Date.parse(rec.notAfter) - now.getTime()) / 86_400_000) : undefined,
        fingerprint: rec?.fingerprint,
        nodes: [...edgeNodes(name)].sort().map((node) => {
          const fp = served(name, node);
          return { node, servedFingerprint: fp, servedVersion: fp ? versions.get(fp) : undefined, drift: !rec || fp !== rec.fingerprint };
        }),
      };
    }),
  );
  return rows.sort((a, b) => a.name.localeCompare(b.name));
}

async function versionsByFingerprint(store: KvStore, name: string, latest: number): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let v = latest; v >= 1 && latest - v < 50; v--) {
    const raw = await store.getKv(certificatesNamespace, `${name}@${v}`);
    if (raw) out.set((JSON.parse(raw) as CertificateRecord).fingerprint, v);
  }
  return out;
}
