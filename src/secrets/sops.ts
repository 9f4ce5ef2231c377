// Values of SOPS-encrypted YAML/JSON files with age recipients (the format Flux users already keep in
// Git). The data key is age-decrypted with the controller's identities; every value is AES-256-GCM
// with its key path as additional data; the file's MAC (sha512 over every value, in order, encrypted
// with the data key) is verified before any value is returned, so a reordered, swapped or edited value
// is refused. Follows the SOPS file format as the sops tool writes it (v3): see README.md here.
import { createDecipheriv, createHash } from 'node:crypto';
import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { decryptAge, noIdentityMatches } from './age-file.js';
import { SecretError } from './errors.js';
import type { AgeIdentity } from './identities.js';

/** sha256("sops"): SOPS seeds the MAC with it when only encrypted values are authenticated. */
const macOnlyEncryptedInit = Buffer.from('8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69', 'hex');

const encryptedValue = /^ENC\[AES256_GCM,data:(.*),iv:(.+),tag:(.+),type:(.+)\]$/;

interface Metadata {
  age?: Array<{ recipient?: string; enc?: string }>;
  key_groups?: unknown[];
  lastmodified?: string;
  mac?: string;
  unencrypted_suffix?: string;
  encrypted_suffix?: string;
  unencrypted_regex?: string;
  encrypted_regex?: string;
  unencrypted_comment_regex?: string;
  encrypted_comment_regex?: string;
  mac_only_encrypted?: boolean;
}

/** A decrypted leaf: its text (what Boreas hands on) and the bytes SOPS authenticates (undefined: not in the MAC). */
class Leaf {
  constructor(
    readonly text: string,
    readonly macBytes?: Buffer,
  ) {}
}

type Tree = Leaf | Tree[] | Map<string, Tree> | null;

/**
 * The value at `key` (a dotted path; list items by index) of a SOPS file, after its MAC is verified.
 * `label` (the repository path) names the file in every error.
 */
export async function decryptSopsValue(bytes: Uint8Array, key: string, identities: readonly AgeIdentity[], label: string): Promise<string> {
  const { data, meta } = parseSopsFile(bytes, label);
  const dataKey = await dataKeyOf(meta, identities, label);
  const hash = createHash('sha512');
  if (meta.mac_only_encrypted) hash.update(macOnlyEncryptedInit);
  const tree = decryptTree(data, [], meta, dataKey, hash, label);
  if (!meta.mac) throw new SecretError(`${label}: SOPS metadata has no mac`);
  const mac = decryptScalar(meta.mac, dataKey, normaliseLastModified(meta.lastmodified ?? ''), label, 'sops.mac');
  if (mac.text.toUpperCase() !== hash.digest('hex').toUpperCase())
    throw new SecretError(`${label}: MAC mismatch: the file was modified after it was encrypted`);
  return lookup(tree, key, label);
}

/** The document's data (without `sops`) and its SOPS metadata; a file without metadata is refused. */
export function parseSopsFile(bytes: Uint8Array, label: string): { data: Node; meta: Metadata } {
  const doc = parseDocument(Buffer.from(bytes).toString('utf8'), { uniqueKeys: true });
  if (doc.errors.length) throw new SecretError(`${label}: not valid YAML or JSON (${doc.errors[0].message.split('\n')[0]})`);
  const root = doc.contents;
  if (!isMap(root)) throw new SecretError(`${label}: not a SOPS file (expected a mapping with a "sops" key)`);
  const metaPair = root.items.find((p) => isScalar(p.key) && p.key.value === 'sops');
  const meta = metaPair?.value ? ((metaPair.value as Node).toJSON() as Metadata) : undefined;
  if (!meta || typeof meta !== 'object') throw new SecretError(`${label}: not a SOPS file (no "sops" metadata)`);
  if (meta.unencrypted_comment_regex || meta.encrypted_comment_regex)
    throw new SecretError(`${label}: SOPS comment regexes (encrypted_comment_regex, unencrypted_comment_regex) are not supported`);
  const data = root.clone() as typeof root;
  data.items = root.items.filter((p) => p !== metaPair);
  return { data, meta };
}

/** The 32-byte data key, from the first `sops.age` stanza one of our identities opens. */
async function dataKeyOf(meta: Metadata, identities: readonly AgeIdentity[], label: string): Promise<Buffer> {
  if (Array.isArray(meta.key_groups) && meta.key_groups.length > 0)
    throw new SecretError(`${label}: SOPS key groups (Shamir secret sharing) are not supported; list age recipients directly`);
  const stanzas = (meta.age ?? []).filter((a) => typeof a?.enc === 'string');
  if (stanzas.length === 0) throw new SecretError(`${label}: the SOPS file has no age recipients (only age is supported)`);
  const recipients = stanzas.map((s) => s.recipient ?? '?');
  const mine = new Set(identities.map((i) => i.recipient));
  // Stanzas for our own recipients first; each try is a real decryption, the recipient field only orders them.
  const ordered = [...stanzas].sort((a, b) => Number(mine.has(b.recipient ?? '')) - Number(mine.has(a.recipient ?? '')));
  for (const s of ordered) {
    try {
      const key = Buffer.from(await decryptAge(Buffer.from(s.enc!, 'latin1'), identities, label));
      if (key.length !== 32) throw new SecretError(`${label}: the SOPS data key is ${key.length} bytes, expected 32`);
      return key;
    } catch (err) {
      if (err instanceof SecretError && /no age identity configured/.test(err.message)) throw err;
      if (err instanceof SecretError && /expected 32/.test(err.message)) throw err;
    }
  }
  throw noIdentityMatches(
    label,
    recipients,
    identities.map((i) => i.recipient),
  );
}

/** Walks the data in document order, decrypting what SOPS encrypted and hashing what it authenticates. */
function decryptTree(node: Node | null | undefined, path: string[], meta: Metadata, key: Buffer, hash: ReturnType<typeof createHash>, label: string): Tree {
  if (isMap(node)) {
    const out = new Map<string, Tree>();
    for (const pair of node.items) {
      const k = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (k === undefined) throw new SecretError(`${label}: only scalar keys are supported`);
      out.set(k, decryptTree(pair.value as Node, [...path, k], meta, key, hash, label));
    }
    return out;
  }
  // SOPS does not put list indices in the additional data: items share their list's path.
  if (isSeq(node)) return node.items.map((item) => decryptTree(item as Node, path, meta, key, hash, label));
  if (!node || !isScalar(node) || node.value === null || node.value === undefined) return null;
  const encrypted = shouldBeEncrypted(path, meta);
  let leaf: Leaf;
  if (encrypted) {
    if (typeof node.value !== 'string') throw new SecretError(`${label}: ${path.join('.')}: expected an encrypted value`);
    leaf = decryptScalar(node.value, key, path.join(':') + ':', label, path.join('.'));
  } else leaf = plainLeaf(node.value, node.source);
  if ((!meta.mac_only_encrypted || encrypted) && leaf.macBytes) hash.update(leaf.macBytes);
  return leaf;
}

/** SOPS's rule for which values are encrypted: suffixes and regexes on any key of the path. */
function shouldBeEncrypted(path: string[], meta: Metadata): boolean {
  let encrypted = true;
  if (meta.unencrypted_suffix && path.some((p) => p.endsWith(meta.unencrypted_suffix!))) encrypted = false;
  if (meta.encrypted_suffix) encrypted = path.some((p) => p.endsWith(meta.encrypted_suffix!));
  if (meta.unencrypted_regex && path.some((p) => new RegExp(meta.unencrypted_regex!).test(p))) encrypted = false;
  if (meta.encrypted_regex) encrypted = path.some((p) => new RegExp(meta.encrypted_regex!).test(p));
  return encrypted;
}

/** One `ENC[AES256_GCM,…]` value: AES-256-GCM under the data key, `aad` authenticated. */
function decryptScalar(value: string, key: Buffer, aad: string, label: string, where: string): Leaf {
  if (value === '') return new Leaf('', Buffer.alloc(0));
  const m = encryptedValue.exec(value);
  if (!m) throw new SecretError(`${label}: ${where}: not a SOPS-encrypted value`);
  const [data, iv, tag] = [m[1], m[2], m[3]].map((b) => Buffer.from(b, 'base64'));
  let plain: Buffer;
  try {
    const d = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
    d.setAAD(Buffer.from(aad, 'utf8'));
    d.setAuthTag(tag);
    plain = Buffer.concat([d.update(data), d.final()]);
  } catch {
    throw new SecretError(`${label}: ${where}: value cannot be authenticated (wrong key, or the value was moved or modified)`);
  }
  const text = plain.toString('utf8');
  switch (m[4]) {
    case 'str':
    case 'bytes':
      return new Leaf(text, plain);
    case 'int':
    case 'int64':
      return new Leaf(text, Buffer.from(String(Number.parseInt(text, 10))));
    case 'float':
      return new Leaf(text, Buffer.from(formatFloat(Number.parseFloat(text))));
    case 'bool': {
      const b = /^(1|t|T|TRUE|true|True)$/.test(text);
      return new Leaf(b ? 'true' : 'false', Buffer.from(b ? 'True' : 'False'));
    }
    case 'comment':
      return new Leaf(text); // comments are not authenticated
    default:
      throw new SecretError(`${label}: ${where}: unknown SOPS value type "${m[4]}"`);
  }
}

/** An unencrypted scalar, authenticated the way SOPS serialises it (Go's strconv). */
function plainLeaf(value: unknown, source: string | undefined): Leaf {
  if (typeof value === 'boolean') return new Leaf(String(value), Buffer.from(value ? 'True' : 'False'));
  if (typeof value === 'number') {
    const isInt = Number.isInteger(value) && !/[.eE]/.test(source ?? String(value));
    return new Leaf(String(value), Buffer.from(isInt ? String(value) : formatFloat(value)));
  }
  const text = String(value);
  return new Leaf(text, Buffer.from(text, 'utf8'));
}

/** Go's strconv.FormatFloat(v, 'f', -1, 64): shortest round-trip digits, never an exponent. */
export function formatFloat(v: number): string {
  const s = String(v);
  if (!/e/i.test(s)) return s;
  const [mant, expPart] = s.split(/e/i);
  const exp = Number(expPart);
  const neg = mant.startsWith('-');
  const digits = mant.replace(/^-/, '').replace('.', '');
  const point = mant.replace(/^-/, '').indexOf('.') === -1 ? mant.replace(/^-/, '').length : mant.replace(/^-/, '').indexOf('.');
  const pos = point + exp;
  const out =
    pos <= 0
      ? `0.${'0'.repeat(-pos)}${digits}`
      : pos >= digits.length
        ? digits + '0'.repeat(pos - digits.length)
        : `${digits.slice(0, pos)}.${digits.slice(pos)}`;
  return (neg ? '-' : '') + out;
}

/** SOPS authenticates the MAC with `lastmodified` as Go formats it (RFC 3339, whole seconds, `Z` for UTC). */
function normaliseLastModified(s: string): string {
  return s.replace(/\.\d+(?=(Z|[+-]\d\d:\d\d)$)/, '').replace(/[+-]00:00$/, 'Z');
}

/** The text at a dotted path of the decrypted tree. */
function lookup(tree: Tree, key: string, label: string): string {
  let cur: Tree = tree;
  for (const seg of key.split('.')) {
    if (Array.isArray(cur) && /^\d+$/.test(seg)) cur = cur[Number(seg)] ?? null;
    else if (cur instanceof Map) cur = cur.get(seg) ?? null;
    else cur = null;
    if (cur === null) throw new SecretError(`${label}: no value at key "${key}"`);
  }
  if (!(cur instanceof Leaf)) throw new SecretError(`${label}: the value at key "${key}" is not a scalar`);
  return cur.text;
}
