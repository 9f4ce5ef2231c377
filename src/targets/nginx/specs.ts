// Specs of the edge resources, as the desired graph (desired/ingress.ts) produces them and as the
// agent/local targets turn them into seed 004 task payloads.
import type { NginxSitePayload } from '../../runtime/nginx/deploy-site.js';

/** spec of a DesiredResource of kind `NginxSite`: exactly the RenderAndDeployNginx payload. */
export type NginxSiteSpec = NginxSitePayload;

/**
 * spec of a DesiredResource of kind `CertificateFiles`. No PEM here: at apply time the target loads
 * certificate and key for (certificate, version) with loadCertificateMaterial() from the controller's
 * store and sends them in the DeployCertificate payload (certificatePayload()).
 */
export interface CertificateFilesSpec {
  certificate: string;
  version: number;
  /** sha256 of the leaf DER (hex); compared with readServedCertificateFingerprint() for drift. */
  fingerprint: string;
  certPath: string;
  keyPath: string;
  /** argv run after the files change (nginx reload), and the test before it. */
  reloadCommand: string[];
  testCommand: string[];
}
