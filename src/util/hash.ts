// Content hashing for idempotency keys and change detection. Canonical JSON (sorted keys) makes the
// hash independent of key order in YAML.
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  // The native serializer with sorted keys is several times faster than walking in JS; objects it
  // would print differently (integer-like keys, which JS orders numerically; toJSON) take the walk.
  try {
    return JSON.stringify(value, sortedKeys) ?? 'null';
  } catch (err) {
    if (err !== walkInstead) throw err;
    return canonicalWalk(value);
  }
}

const walkInstead = new Error('canonicalJson: walk instead');
const indexLike = /^(?:0|[1-9]\d*)$/;

function sortedKeys(this: Record<string, unknown>, key: string, v: unknown): unknown {
  const original = this[key];
  if (original !== null && typeof original === 'object' && typeof (original as { toJSON?: unknown }).toJSON === 'function') throw walkInstead;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort();
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    if (indexLike.test(k)) throw walkInstead;
    out[k] = o[k];
  }
  return out;
}

function canonicalWalk(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return '[' + value.map(canonicalWalk).join(',') + ']';
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonicalWalk(obj[k])).join(',') + '}';
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** sha256 of the canonical JSON of a value. */
export function hashJson(value: unknown): string {
  return sha256(canonicalJson(value));
}
