// Writes SOPS-encrypted YAML/JSON files for tests, the way the sops tool does (no sops binary exists
// here): a random 32-byte data key encrypted to age recipients with the real age CLI (armored), every
// value AES-256-GCM under the data key with its key path ("a:b:") as additional data and a 32-byte
// IV, and the MAC (upper-case hex sha512 over every value in document order) encrypted with
// `lastmodified` as additional data. Independent from src/secrets/sops.ts, and cross-checked in tests
// against sops-age, a SOPS decoder from npm.
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { stringify } from 'yaml';
import { ageEncrypt } from './age.js';

type Plain = string | number | boolean | null | Plain[] | { [k: string]: Plain };

export interface SopsOptions {
  format?: 'yaml' | 'json';
  unencryptedSuffix?: string;
  encryptedRegex?: string;
  macOnlyEncrypted?: boolean;
  /** Fixed data key (to build tampered variants). */
  dataKey?: Buffer;
}

function encryptValue(plain: Buffer, type: string, key: Buffer, aad: string): string {
  const iv = randomBytes(32);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad));
  const data = Buffer.concat([c.update(plain), c.final()]);
  return `ENC[AES256_GCM,data:${data.toString('base64')},iv:${iv.toString('base64')},tag:${c.getAuthTag().toString('base64')},type:${type}]`;
}

function asBytes(v: string | number | boolean): { bytes: Buffer; type: string } {
  if (typeof v === 'boolean') return { bytes: Buffer.from(v ? 'True' : 'False'), type: 'bool' };
  if (typeof v === 'number') return { bytes: Buffer.from(String(v)), type: Number.isInteger(v) ? 'int' : 'float' };
  return { bytes: Buffer.from(v), type: 'str' };
}

/** The SOPS file text of `data` encrypted to `recipients`. */
export async function sopsEncrypt(data: { [k: string]: Plain }, recipients: string[], opts: SopsOptions = {}): Promise<string> {
  const key = opts.dataKey ?? randomBytes(32);
  const suffix = opts.unencryptedSuffix ?? '_unencrypted';
  const hash = createHash('sha512');
  if (opts.macOnlyEncrypted) hash.update(createHash('sha256').update('sops').digest());
  const walk = (v: Plain, path: string[]): Plain => {
    if (Array.isArray(v)) return v.map((x) => walk(x, path));
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, [...path, k])]));
    if (v === null) return null;
    let encrypted = !path.some((p) => p.endsWith(suffix));
    if (opts.encryptedRegex) encrypted = path.some((p) => new RegExp(opts.encryptedRegex!).test(p));
    const { bytes, type } = asBytes(v);
    if (!opts.macOnlyEncrypted || encrypted) hash.update(bytes);
    if (!encrypted) return v;
    return v === '' ? '' : encryptValue(bytes, type, key, `${path.join(':')}:`);
  };
  const encrypted = walk(data, []) as { [k: string]: Plain };
  const lastmodified = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const age = [];
  for (const r of recipients) age.push({ recipient: r, enc: (await ageEncrypt(key, [r], { armor: true })).toString('latin1') });
  const sops: Record<string, unknown> = {
    kms: null,
    gcp_kms: null,
    azure_kv: null,
    hc_vault: null,
    age,
    lastmodified,
    mac: encryptValue(Buffer.from(hash.digest('hex').toUpperCase()), 'str', key, lastmodified),
    pgp: null,
    unencrypted_suffix: suffix,
    version: '3.9.4',
  };
  if (opts.encryptedRegex) {
    delete sops.unencrypted_suffix;
    sops.encrypted_regex = opts.encryptedRegex;
  }
  if (opts.macOnlyEncrypted) sops.mac_only_encrypted = true;
  const doc = { ...encrypted, sops };
  return opts.format === 'json' ? JSON.stringify(doc, null, 4) + '\n' : stringify(doc);
}
