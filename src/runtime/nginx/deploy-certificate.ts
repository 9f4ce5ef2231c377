// Node side of DeployCertificate (docs/design.md, Agent protocol): certificate 0644 and key 0600, written
// atomically, then nginx reload. The PEMs arrive in the task payload over the agent connection;
// they are written to disk and never logged or echoed in results.
import { X509Certificate } from 'node:crypto';
import { NginxCommandError, runCommand } from './command.js';
import { reloadNginx } from './reload.js';
import { assertAllowed, readFileBeneath, readIfExists, sha256Hex, writeFileBeneath } from './atomic-file.js';

/** The DeployCertificate task payload. */
export interface CertificatePayload {
  /** Certificate name (manifest name), for messages. */
  name: string;
  /** PEM chain, leaf first. */
  certPem: string;
  /** PEM private key (secret). */
  keyPem: string;
  certPath: string;
  keyPath: string;
  /** argv; defaults to no reload (e.g. when a site deploy follows anyway). */
  reloadCommand?: string[];
  /** argv run before the reload when given (catches a key that does not match its certificate). */
  testCommand?: string[];
}

export interface CertificateDeployResult {
  outcome: 'configured' | 'unchanged';
  /** Fingerprint of the leaf now on disk. */
  fingerprint: string;
}

/** Writes certificate and key when they differ from the files on disk, then reloads nginx. */
export async function deployCertificate(
  payload: CertificatePayload,
  opts: { allowedRoots: string[]; listenPorts?: number[] },
): Promise<CertificateDeployResult> {
  const roots = opts.allowedRoots;
  const certPath = assertAllowed(payload.certPath, roots);
  const keyPath = assertAllowed(payload.keyPath, roots);
  const fingerprint = pemFingerprint(payload.certPem);
  const [oldCert, oldKey] = [readFileBeneath(certPath, roots)?.content, readFileBeneath(keyPath, roots)?.content];
  const same = (b: Buffer | undefined, s: string) => b !== undefined && sha256Hex(b) === sha256Hex(s);
  if (same(oldCert, payload.certPem) && same(oldKey, payload.keyPem)) return { outcome: 'unchanged', fingerprint };

  await writeFileBeneath(keyPath, roots, payload.keyPem, 0o600);
  await writeFileBeneath(certPath, roots, payload.certPem, 0o644);
  const restore = async () => {
    if (oldKey) await writeFileBeneath(keyPath, roots, oldKey, 0o600);
    if (oldCert) await writeFileBeneath(certPath, roots, oldCert, 0o644);
  };
  if (payload.testCommand) {
    const test = await runCommand(payload.testCommand);
    if (test.code !== 0) {
      await restore();
      throw new NginxCommandError(`nginx refused certificate ${payload.name}; previous files kept: ${test.output.trim()}`, test.output);
    }
  }
  if (payload.reloadCommand) {
    const reload = await reloadNginx(payload.reloadCommand, opts.listenPorts ?? []);
    if (reload.code !== 0) throw new NginxCommandError(`nginx reload failed after certificate ${payload.name}: ${reload.output.trim()}`, reload.output);
  }
  return { outcome: 'configured', fingerprint };
}

/** Fingerprint of the certificate file a node serves (undefined when absent/unreadable): drift check. */
export async function readServedCertificateFingerprint(certPath: string): Promise<string | undefined> {
  const pem = await readIfExists(certPath);
  if (!pem) return undefined;
  try {
    return pemFingerprint(pem.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** sha256 of the leaf certificate's DER, lower-case hex without colons. */
export function pemFingerprint(pem: string): string {
  return new X509Certificate(pem).fingerprint256.replace(/:/g, '').toLowerCase();
}
