// Cross-kind checks of Ingresses (run with the other semantic checks): every host is covered by
// the Certificate it uses, and no two Ingresses claim the same host+path on the same edge node.
import type { ManifestSet } from '../../manifests/model.js';
import type { Diagnostic } from '../../model/diagnostic.js';
import { hostCovered } from '../../targets/certificates/pem.js';
import { ingressEdges } from './edges.js';

/** Diagnostics for Ingress/Certificate consistency. */
export function validateIngresses(manifests: ManifestSet): Diagnostic[] {
  const out: Diagnostic[] = [];
  const claims = new Map<string, string>();
  for (const [name, { manifest: ing, origin }] of [...manifests.ingresses].sort(([a], [b]) => a.localeCompare(b))) {
    const at = (field: string, message: string): Diagnostic => ({
      file: origin.file,
      line: origin.line,
      col: origin.col,
      manifest: `Ingress/${name}`,
      field,
      message,
      severity: 'error',
    });
    const certName = ing.spec.tls?.certificate;
    if (certName) {
      const cert = manifests.certificates.get(certName)?.manifest;
      if (!cert) out.push(at('spec.tls.certificate', `Certificate ${certName} does not exist`));
      else
        ing.spec.hosts.forEach((h, i) => {
          if (!hostCovered(h, cert.spec.domains))
            out.push(at(`spec.hosts[${i}]`, `host ${h} is not covered by Certificate ${certName} (domains: ${cert.spec.domains.join(', ')})`));
        });
    }
    for (const edge of ingressEdges(ing, manifests)) {
      for (const host of ing.spec.hosts) {
        ing.spec.rules.forEach((rule, i) => {
          const key = `${edge.node}\u0000${host}\u0000${rule.path ?? '/'}`;
          const other = claims.get(key);
          if (other && other !== name)
            out.push(at(`spec.rules[${i}].path`, `${host}${rule.path ?? '/'} on node ${edge.node} is already served by Ingress/${other}`));
          else claims.set(key, name);
        });
      }
    }
  }
  return out;
}
