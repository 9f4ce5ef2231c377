// selfSigned issuer: an ECDSA P-256 key and a self-signed X.509 certificate whose SANs are the
// Certificate's domains. Made with @peculiar/x509 over node's WebCrypto (installed with acme-client;
// it should be declared in package.json).
import { randomBytes } from 'node:crypto';
import * as x509 from '@peculiar/x509';

// Node's global WebCrypto (the same object as node:crypto's webcrypto) typed as the standard Crypto.
x509.cryptoProvider.set(globalThis.crypto);

export interface IssuedPem {
  certPem: string;
  keyPem: string;
}

const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** Generates a key and a certificate valid from now (minus a minute of clock skew) for `days`. */
export async function generateSelfSigned(domains: string[], days: number, now = new Date()): Promise<IssuedPem> {
  const keys = await globalThis.crypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const notBefore = new Date(now.getTime() - 60_000);
  const notAfter = new Date(now.getTime() + days * 86_400_000);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01' + randomBytes(15).toString('hex'),
    name: `CN=${domains[0].replace(/[,+="\\<>;#]/g, '')}`,
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.SubjectAlternativeNameExtension(domains.map((d) => ({ type: 'dns' as const, value: d }))),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      // CA:true lets clients use this very certificate as their trust anchor (curl --cacert).
      new x509.BasicConstraintsExtension(true, undefined, true),
    ],
  });
  const pkcs8 = await globalThis.crypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certPem: cert.toString('pem') + '\n', keyPem: toPem(Buffer.from(pkcs8), 'PRIVATE KEY') };
}

function toPem(der: Buffer, label: string): string {
  const b64 = der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}
