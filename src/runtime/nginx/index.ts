// Node-side nginx tasks used by `boreas agent` (and the local target): RenderAndDeployNginx and
// DeployCertificate of the agent protocol.
export { deployNginxSite, removeNginxSite, observeNginxSite, type NginxSitePayload, type NginxDeployResult, type NginxDeployOptions } from './deploy-site.js';
export {
  deployCertificate,
  readServedCertificateFingerprint,
  pemFingerprint,
  type CertificatePayload,
  type CertificateDeployResult,
} from './deploy-certificate.js';
export { NginxCommandError } from './command.js';
export { probeNginxSite, siteMarkerHeader } from './probe-site.js';
