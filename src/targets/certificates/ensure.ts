// Keeps each Certificate issued and current: issue when missing, re-issue when its domains or issuer
// settings changed, renew when fewer than renewBeforeDays remain; `file` certificates get a new
// version whenever the PEM they point at changes. Every issuance is a new version in the store.
import type { SecretSource } from '../../model/manifest-types.generated.js';
import type { CertificateSpec } from '../../model/edge-specs.js';
import { UserError } from '../../model/errors.js';
import { hashJson } from '../../util/hash.js';
import type { Logger } from '../../util/logger.js';
import { issueAcme, type ChallengePublisher } from './acme-issuer.js';
import { currentCertificate, saveCertificateVersion, type CertStoreOptions, type CertificateRecord, type KvStore } from './cert-store.js';
import { loadFileCertificate } from './file-issuer.js';
import { certificateFacts, keyMatches } from './pem.js';
import { generateSelfSigned, type IssuedPem } from './self-signed.js';

export interface CertificateDeps extends CertStoreOptions {
  store: KvStore;
  /** Needed by `file` issuers. */
  resolveSecret?: (source: SecretSource) => Promise<string>;
  /** Needed by acme http-01: publishes tokens on the edge nodes' webroots. */
  challenges?: ChallengePublisher;
  /** Extra CA trusted for ACME directories (tests: pebble). */
  acmeDirectoryCaPem?: string;
  now?: () => Date;
  log?: Logger;
}

export interface EnsuredCertificate {
  version: number;
  fingerprint: string;
  notAfter: string;
  sans: string[];
  /** True when this call issued a new version. */
  issued: boolean;
  /** Why it was (re)issued, for the audit log. */
  reason?: string;
}

const day = 86_400_000;

/** Issues or renews when needed; otherwise returns the stored current version untouched. */
export async function ensureCertificate(cert: CertificateSpec, deps: CertificateDeps): Promise<EnsuredCertificate> {
  const name = cert.name;
  const now = deps.now?.() ?? new Date();
  const kind = issuerKind(cert);
  const issuerHash = certificateIssuerHash(cert);
  const current = await currentCertificate(deps.store, name);

  let reason: string | undefined;
  let fresh: IssuedPem | undefined;
  if (kind === 'file') {
    // The source of truth is outside Boreas: re-read it and version what changed.
    if (!deps.resolveSecret) throw new UserError(`Certificate/${name}: file issuer needs secret resolution`);
    fresh = await loadFileCertificate(cert, deps.resolveSecret);
    const fp = certificateFacts(fresh.certPem).fingerprint;
    if (!current) reason = 'first load';
    else if (current.fingerprint !== fp) reason = 'certificate file changed';
    if (!reason) fresh = undefined;
  } else {
    reason = renewalReason(current, issuerHash, renewWindowDays(cert), now);
  }
  if (!reason) return summary(current!, false);

  if (!fresh) {
    deps.log?.info('issuing certificate', { certificate: name, issuer: kind, reason });
    fresh =
      kind === 'selfSigned'
        ? // validity starts at the real time even when `now` is injected: the certificate must work today
          await generateSelfSigned(cert.domains, cert.issuer.selfSigned?.days ?? 90)
        : await issueAcme(cert, { store: deps.store, challenges: deps.challenges, directoryCaPem: deps.acmeDirectoryCaPem, secretKey: deps.secretKey });
  }
  if (!keyMatches(fresh.certPem, fresh.keyPem)) throw new Error(`Certificate/${name}: issued key does not match the certificate`);
  const facts = certificateFacts(fresh.certPem);
  const rec = await saveCertificateVersion(
    deps.store,
    {
      name,
      issuer: kind,
      issuerHash,
      domains: [...cert.domains],
      sans: facts.sans,
      fingerprint: facts.fingerprint,
      notBefore: facts.notBefore,
      notAfter: facts.notAfter,
      issuedAt: now.toISOString(),
      certPem: fresh.certPem,
    },
    fresh.keyPem,
    deps,
  );
  return { ...summary(rec, true), reason };
}

/**
 * Why a stored certificate must be replaced, or undefined when it is fine. A renewal window at
 * least as long as the certificate's whole life (renewBeforeDays 30 with a CA's 6-day certificates,
 * 3650 with 5-year ones) would put every new certificate inside it from birth and renew it on every
 * run, into the CA's rate limits; such a window is a third of the life instead, as cert-manager does.
 */
export function renewalReason(current: CertificateRecord | undefined, issuerHash: string, renewBeforeDays: number, now: Date): string | undefined {
  if (!current) return 'not issued yet';
  if (current.issuerHash !== issuerHash) return 'domains or issuer changed';
  const left = (Date.parse(current.notAfter) - now.getTime()) / day;
  const life = (Date.parse(current.notAfter) - Date.parse(current.notBefore)) / day;
  const capped = life > 0 && renewBeforeDays >= life;
  const window = capped ? life / 3 : renewBeforeDays;
  if (left >= window) return undefined;
  const days = Math.max(0, Math.floor(left));
  return capped
    ? `expires in ${days} day(s), a third of its ${Math.round(life)}-day life (renewBeforeDays ${renewBeforeDays} is not shorter than that life)`
    : `expires in ${days} day(s), renewBeforeDays ${renewBeforeDays}`;
}

/** What a certificate was issued for: a change of issuer settings or domains means a new certificate. */
export function certificateIssuerHash(cert: Pick<CertificateSpec, 'issuer' | 'domains'>): string {
  return hashJson({ issuer: cert.issuer, domains: cert.domains });
}

/**
 * Days before expiry a certificate is renewed. A selfSigned certificate of `days` <= renewBeforeDays
 * would be inside its window from birth and re-issued (and nginx reloaded) on every reconcile; its
 * window is capped at a third of its life.
 */
export function renewWindowDays(cert: CertificateSpec): number {
  return cert.issuer.selfSigned ? Math.min(cert.renewBeforeDays, (cert.issuer.selfSigned.days ?? 90) / 3) : cert.renewBeforeDays;
}

export function issuerKind(cert: CertificateSpec): CertificateRecord['issuer'] {
  const i = cert.issuer;
  if (i.acme) return 'acme';
  if (i.file) return 'file';
  if (i.selfSigned) return 'selfSigned';
  throw new UserError(`Certificate/${cert.name}: issuer needs one of acme, file, selfSigned`);
}

function summary(rec: CertificateRecord, issued: boolean): EnsuredCertificate {
  return { version: rec.version, fingerprint: rec.fingerprint, notAfter: rec.notAfter, sans: rec.sans, issued };
}
