// Certificate resources: one per Certificate some Ingress uses, issued and renewed by the controller
// (target `certificates`). Its spec names the edge targets that must answer ACME http-01 for its
// hosts, so tokens go exactly there, not to every edge.
import type { ManifestSet } from '../manifests/model.js';
import type { CertificateResource } from '../model/resource.js';
import { hashJson } from '../util/hash.js';
import { certificateId, certificatesTarget } from './ids.js';
import { ingressEdges } from './ingress/edges.js';

/** Default renewal window when a Certificate names none. */
export const defaultRenewBeforeDays = 30;

export function buildCertificateResources(manifests: ManifestSet): CertificateResource[] {
  const users = new Map<string, { environment: string; edges: Set<string> }>();
  for (const [, { manifest: ing }] of [...manifests.ingresses].sort(([a], [b]) => a.localeCompare(b))) {
    const name = ing.spec.tls?.certificate;
    if (!name || !manifests.certificates.has(name)) continue;
    const u = users.get(name) ?? {
      environment: manifests.applications.get(ing.spec.rules[0].application)?.manifest.spec.environment ?? '',
      edges: new Set<string>(),
    };
    for (const e of ingressEdges(ing, manifests)) u.edges.add(e.target);
    users.set(name, u);
  }
  const out: CertificateResource[] = [];
  for (const [name, { environment, edges }] of [...users].sort(([a], [b]) => a.localeCompare(b))) {
    const cert = manifests.certificates.get(name)!.manifest;
    const http01 = !!cert.spec.issuer.acme && (cert.spec.issuer.acme.challenge ?? 'http-01') === 'http-01';
    const spec = {
      name,
      domains: [...cert.spec.domains],
      issuer: cert.spec.issuer,
      renewBeforeDays: cert.spec.renewBeforeDays ?? defaultRenewBeforeDays,
      challengeTargets: http01 ? [...edges].sort() : [],
    };
    out.push({
      id: certificateId(name),
      target: certificatesTarget,
      kind: 'Certificate',
      owner: `Certificate/${name}`,
      environment,
      name,
      spec,
      hash: hashJson(spec),
      dependsOn: [],
      rendered: { [`certificate ${name}`]: `domains: ${spec.domains.join(', ')}\nissuer: ${Object.keys(cert.spec.issuer)[0]}\n` },
    });
  }
  return out;
}
