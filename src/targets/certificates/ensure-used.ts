// The controller's per-reconcile certificate step: ensure every Certificate that some Ingress uses,
// before edge resources are built, so CertificateFiles specs carry the current version. One failing
// certificate does not stop the others; its sites keep the version already deployed.
import type { ManifestSet } from '../../manifests/model.js';
import { currentCertificate } from './cert-store.js';
import { ensureCertificate, type CertificateDeps, type EnsuredCertificate } from './ensure.js';

export interface UsedCertificates {
  ensured: Map<string, EnsuredCertificate>;
  /** Certificate name → error message (issuance failed; last stored version, if any, still used). */
  errors: Map<string, string>;
  /** For buildIngressResources({ certificateVersion }). */
  versionOf(name: string): { version: number; fingerprint: string } | undefined;
}

/** Runs ensureCertificate for each Certificate referenced by an Ingress's tls.certificate. */
export async function ensureUsedCertificates(manifests: ManifestSet, deps: CertificateDeps): Promise<UsedCertificates> {
  const used = new Set([...manifests.ingresses.values()].map((i) => i.manifest.spec.tls?.certificate).filter((c): c is string => !!c));
  const ensured = new Map<string, EnsuredCertificate>();
  const errors = new Map<string, string>();
  for (const name of [...used].sort()) {
    const cert = manifests.certificates.get(name)?.manifest;
    if (!cert) continue; // validation reports the missing Certificate
    try {
      ensured.set(name, await ensureCertificate(cert, deps));
    } catch (err) {
      errors.set(name, (err as Error).message);
    }
  }
  return {
    ensured,
    errors,
    versionOf(name) {
      const e = ensured.get(name);
      if (e) return { version: e.version, fingerprint: e.fingerprint };
      const rec = currentCertificate(deps.store, name);
      return rec && { version: rec.version, fingerprint: rec.fingerprint };
    },
  };
}
