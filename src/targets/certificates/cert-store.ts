// Certificate versions in the state store (kv namespace `certificates`): `<name>` holds the current
// version, `<name>@<version>` every version (rollback, deploying a pinned version). The private key
// is encrypted with AES-256-GCM when a state secret is configured (BOREAS_STATE_KEY or the
// `secretKey` option); without one it is stored as-is in the state database, which must then be
// protected like a key file. Keys are never logged or put into desired specs.
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import type { Store } from '../../store/store.js';

/** The part of the store certificates need. */
export type KvStore = Pick<Store, 'getKv' | 'setKv'>;

export const certificatesNamespace = 'certificates';

type SealedKey = { plain: string } | { alg: 'aes-256-gcm'; salt: string; iv: string; tag: string; data: string };

/** One stored version of a certificate (key sealed). */
export interface CertificateRecord {
  name: string;
  version: number;
  issuer: 'acme' | 'file' | 'selfSigned';
  /** Hash of the issuer settings + domains it was issued for; a change triggers re-issue. */
  issuerHash: string;
  domains: string[];
  sans: string[];
  fingerprint: string;
  notBefore: string;
  notAfter: string;
  issuedAt: string;
  certPem: string;
  key: SealedKey;
}

/** A record with its key unsealed, for building a DeployCertificate payload. */
export interface CertificateMaterial {
  name: string;
  version: number;
  fingerprint: string;
  certPem: string;
  keyPem: string;
}

export interface CertStoreOptions {
  /** Passphrase that encrypts private keys at rest; defaults to env BOREAS_STATE_KEY. */
  secretKey?: string;
}

/** The current record of a certificate, or undefined. */
export async function currentCertificate(store: KvStore, name: string): Promise<CertificateRecord | undefined> {
  const raw = await store.getKv(certificatesNamespace, name);
  return raw ? (JSON.parse(raw) as CertificateRecord) : undefined;
}

/** Stores a newly issued version and makes it current; returns the record (key sealed). */
export async function saveCertificateVersion(
  store: KvStore,
  rec: Omit<CertificateRecord, 'version' | 'key'>,
  keyPem: string,
  opts: CertStoreOptions = {},
): Promise<CertificateRecord> {
  const version = ((await currentCertificate(store, rec.name))?.version ?? 0) + 1;
  const full: CertificateRecord = { ...rec, version, key: seal(keyPem, opts) };
  const json = JSON.stringify(full);
  await store.setKv(certificatesNamespace, `${rec.name}@${version}`, json);
  await store.setKv(certificatesNamespace, rec.name, json);
  return full;
}

/**
 * Certificate and key of one version (default current). This is how PEMs reach nodes: the agent
 * target calls it at apply time for the (name, version) in a CertificateFiles spec and sends the
 * result in the DeployCertificate payload; desired specs only ever carry name/version/fingerprint.
 */
export async function loadCertificateMaterial(
  store: KvStore,
  name: string,
  version?: number,
  opts: CertStoreOptions = {},
): Promise<CertificateMaterial | undefined> {
  const raw = await store.getKv(certificatesNamespace, version === undefined ? name : `${name}@${version}`);
  if (!raw) return undefined;
  const rec = JSON.parse(raw) as CertificateRecord;
  return { name, version: rec.version, fingerprint: rec.fingerprint, certPem: rec.certPem, keyPem: unseal(rec.key, opts) };
}

function passphrase(opts: CertStoreOptions): string | undefined {
  return opts.secretKey ?? (process.env.BOREAS_STATE_KEY || undefined);
}

/** Seals a secret value (also used for the ACME account key). */
export function seal(value: string, opts: CertStoreOptions = {}): SealedKey {
  const pass = passphrase(opts);
  if (!pass) return { plain: value };
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', scryptSync(pass, salt, 32), iv);
  const data = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return {
    alg: 'aes-256-gcm',
    salt: salt.toString('base64'),
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
}

/** Opens a sealed value; a wrong or missing passphrase is an error, never garbage. */
export function unseal(sealed: SealedKey, opts: CertStoreOptions = {}): string {
  if ('plain' in sealed) return sealed.plain;
  const pass = passphrase(opts);
  if (!pass) throw new Error('a private key in the state store is encrypted: set BOREAS_STATE_KEY');
  const decipher = createDecipheriv('aes-256-gcm', scryptSync(pass, Buffer.from(sealed.salt, 'base64'), 32), Buffer.from(sealed.iv, 'base64'));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
}
