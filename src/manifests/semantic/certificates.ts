// A Certificate no Ingress refers to is never issued nor deployed (only certificates in use are), which
// is almost always a typo in `spec.tls.certificate` or a leftover: say so, as a warning that blocks
// nothing, at the Certificate's name.
import { warning, type Finding, type ManifestIndex } from './types.js';

export function checkUnusedCertificates(index: ManifestIndex): Finding[] {
  const used = new Set<string>();
  for (const ingress of index.ingresses.values()) {
    const name = ingress.manifest.spec.tls?.certificate;
    if (name) used.add(name);
  }
  const out: Finding[] = [];
  for (const cert of index.certificates.values()) {
    if (used.has(cert.name)) continue;
    out.push(
      warning(cert, ['metadata', 'name'], `Certificate "${cert.name}" is used by no Ingress (spec.tls.certificate), so it is neither issued nor deployed`),
    );
  }
  return out;
}
