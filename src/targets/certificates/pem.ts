// Facts read from PEM text with node:crypto: what a certificate covers, until when, and whether a
// key belongs to it. Fingerprints are sha256 of the leaf DER in lower-case hex (no colons), the
// same format the agent reports for the file it serves (runtime/nginx/deploy-certificate.ts).
import { X509Certificate, createPrivateKey } from 'node:crypto';

export interface CertificateFacts {
  fingerprint: string;
  /** DNS names from subjectAltName, in certificate order. */
  sans: string[];
  notBefore: string;
  notAfter: string;
}

/** Parses the first (leaf) certificate of a PEM chain. */
export function certificateFacts(chainPem: string): CertificateFacts {
  const cert = new X509Certificate(firstPem(chainPem));
  return {
    fingerprint: cert.fingerprint256.replace(/:/g, '').toLowerCase(),
    sans: (cert.subjectAltName ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.startsWith('DNS:'))
      .map((s) => s.slice(4)),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
  };
}

/** True when the private key matches the leaf certificate's public key. */
export function keyMatches(chainPem: string, keyPem: string): boolean {
  return new X509Certificate(firstPem(chainPem)).checkPrivateKey(createPrivateKey(keyPem));
}

function firstPem(chainPem: string): string {
  const m = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(chainPem);
  if (!m) throw new Error('no PEM certificate found');
  return m[0];
}
