// Ingress checks that need several manifests at once: the TLS certificate covers every host, and no
// two Ingresses claim the same host and path on the same edge node (nginx would pick one silently).
import type { Ingress } from '../model.js';
import { finding, type Finding, type ManifestDoc, type ManifestIndex } from './types.js';

/** True when a certificate domain covers a host; `*.example.com` covers exactly one more label. */
export function domainCovers(domain: string, host: string): boolean {
  if (domain === host) return true;
  if (!domain.startsWith('*.')) return false;
  const suffix = domain.slice(1); // ".example.com"
  if (!host.endsWith(suffix)) return false;
  const label = host.slice(0, -suffix.length);
  return label.length > 0 && !label.includes('.') && label !== '*';
}

/** Edge nodes of an Ingress, as the desired stage resolves them: nodes, else selector, else local. */
export function ingressNodeNames(ingress: Ingress, index: ManifestIndex): string[] {
  const { nodes, nodeSelector } = ingress.spec;
  if (!nodes && !nodeSelector) return ['local'];
  const picked: string[] = [];
  for (const n of index.nodes.values()) {
    if (nodes && !nodes.includes(n.name)) continue;
    if (nodeSelector && !Object.entries(nodeSelector).every(([k, v]) => n.manifest.metadata.labels?.[k] === v)) continue;
    picked.push(n.name);
  }
  return picked;
}

export function checkIngresses(index: ManifestIndex): Finding[] {
  const out: Finding[] = [];
  for (const doc of index.ingresses.values()) {
    const certName = doc.manifest.spec.tls?.certificate;
    const cert = certName ? index.certificates.get(certName) : undefined;
    if (!cert) continue;
    doc.manifest.spec.hosts.forEach((host, i) => {
      if (!cert.manifest.spec.domains.some((d) => domainCovers(d, host))) {
        out.push(finding(doc, ['spec', 'hosts', i], `host "${host}" is not covered by Certificate "${cert.name}" (domains: ${cert.manifest.spec.domains.join(', ')})`));
      }
    });
  }
  const claims = new Map<string, { doc: ManifestDoc<Ingress>; hostIndex: number }>();
  for (const doc of [...index.ingresses.values()].sort((a, b) => a.ref.file.localeCompare(b.ref.file) || a.ref.line - b.ref.line)) {
    const nodes = ingressNodeNames(doc.manifest, index);
    const reported = new Set<string>();
    doc.manifest.spec.hosts.forEach((host, hostIndex) => {
      for (const rule of doc.manifest.spec.rules) {
        const path = rule.path ?? '/';
        for (const node of nodes) {
          const key = `${node}\0${host}\0${path}`;
          const prior = claims.get(key);
          if (!prior) {
            claims.set(key, { doc, hostIndex });
          } else if (prior.doc !== doc && !reported.has(`${host}\0${path}`)) {
            reported.add(`${host}\0${path}`);
            out.push(finding(doc, ['spec', 'hosts', hostIndex], `host "${host}" path "${path}" on node "${node}" is already served by Ingress "${prior.doc.name}" (${prior.doc.ref.file}:${prior.doc.ref.line})`));
          }
        }
      }
    });
  }
  return out;
}
