// file issuer: certificate chain and key come from the controller's environment or files
// (`certFrom`/`keyFrom`), checked to parse and to belong together before anything is deployed.
import type { SecretSource } from '../../model/manifest-types.generated.js';
import type { CertificateSpec } from '../../model/edge-specs.js';
import { UserError } from '../../model/errors.js';
import { keyMatches } from './pem.js';
import type { IssuedPem } from './self-signed.js';

/** Reads and checks the PEMs of a `file` issuer. */
export async function loadFileCertificate(cert: CertificateSpec, resolveSecret: (s: SecretSource) => Promise<string>): Promise<IssuedPem> {
  const spec = cert.issuer.file!;
  const where = `Certificate/${cert.name}`;
  const certPem = await resolveSecret(spec.certFrom);
  const keyPem = await resolveSecret(spec.keyFrom);
  let matches: boolean;
  try {
    matches = keyMatches(certPem, keyPem);
  } catch (err) {
    throw new UserError(`${where}: issuer.file does not hold a PEM certificate and private key (${(err as Error).message})`);
  }
  if (!matches) throw new UserError(`${where}: issuer.file private key does not match the certificate`);
  return { certPem, keyPem };
}
