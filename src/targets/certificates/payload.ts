// Controller side of DeployCertificate: turns a CertificateFiles spec (name + version, no secrets)
// into the task payload with PEMs, at apply time, right before it is sent to the node.
import type { CertificatePayload } from '../../runtime/nginx/deploy-certificate.js';
import type { CertificateFilesSpec } from '../../model/edge-specs.js';
import { loadCertificateMaterial, type CertStoreOptions, type KvStore } from './cert-store.js';

/** The DeployCertificate payload for one node; throws when that version is not in the store. */
export async function certificatePayload(store: KvStore, spec: CertificateFilesSpec, opts: CertStoreOptions = {}): Promise<CertificatePayload> {
  const m = await loadCertificateMaterial(store, spec.certificate, spec.version, opts);
  if (!m) throw new Error(`certificate ${spec.certificate} version ${spec.version} is not in the state store`);
  return {
    name: spec.certificate,
    certPem: m.certPem,
    keyPem: m.keyPem,
    certPath: spec.certPath,
    keyPath: spec.keyPath,
  };
}
