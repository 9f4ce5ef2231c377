// Certificates on the controller: the `certificates` target (issue, renew, version in the store), the
// payloads that carry a version's PEMs to an edge, and the facts `status` shows.
export { certificatesTargetFactory, CertificatesTarget } from './target.js';
export { ensureCertificate, renewalReason, issuerKind, certificateIssuerHash, type CertificateDeps, type EnsuredCertificate } from './ensure.js';
export {
  currentCertificate,
  loadCertificateMaterial,
  saveCertificateVersion,
  certificatesNamespace,
  type CertificateRecord,
  type CertificateMaterial,
  type KvStore,
  type CertStoreOptions,
} from './cert-store.js';
export { certificatePayload } from './payload.js';
export { certificateStatus, type CertificateStatus, type CertificateNodeStatus } from './status.js';
export type { ChallengePublisher } from './acme-issuer.js';
export { certificateFacts, keyMatches, type CertificateFacts } from './pem.js';
export { generateSelfSigned } from './self-signed.js';
