// Certificates on the controller: issue (selfSigned, file, acme), version in the store, build
// DeployCertificate payloads, report status.
export { ensureUsedCertificates, type UsedCertificates } from './ensure-used.js';
export { ensureCertificate, renewalReason, issuerKind, type CertificateDeps, type EnsuredCertificate } from './ensure.js';
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
export { webrootChallengePublisher } from './webroot-challenges.js';
export type { ChallengePublisher } from './acme-issuer.js';
export { certificateFacts, hostCovered, keyMatches, type CertificateFacts } from './pem.js';
export { generateSelfSigned } from './self-signed.js';
