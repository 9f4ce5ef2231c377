// Redaction of resolved secret values from every text Boreas writes: log lines, error messages, run,
// task and attempt records, reports, API responses, PR comments.
//
// Why a process-wide registry (the one module-level mutable state of this folder): a resolved value
// can surface far from where it was resolved — in a spawn error Node formats (`Received
// 'NULSECRET\x00tail'`), in an agent's or API server's answer, in an HTTP client error. Threading a
// redactor from each resolution to each of those places would miss some. CI systems solve the same
// problem the same way (GitHub Actions' `add-mask`): every value is registered once when it is
// resolved, and every writer passes its text through redact() before it is logged or stored. Values
// live only in this process's memory and are never written anywhere.
import { inspect } from 'node:util';

/** What a masked value is replaced with. */
export const REDACTED = '***';

/**
 * Shorter values and pieces are not masked: masking "ab" everywhere would garble every message, and a
 * secret that short protects nothing. Whole values of any length down to this are masked.
 */
const minLength = 4;

/** Every spelling to mask → whether it must stand alone (pieces: "tail" must not mask "details"). */
const needles = new Map<string, boolean>();
let pattern: RegExp | undefined;

/**
 * The spellings of one string that can appear in output: raw, JSON-escaped, as Node prints it
 * (`\x00`), URL-encoded, base64, and each escaped form escaped once more (a JSON log line quoting
 * Node's message).
 */
function spellings(s: string): string[] {
  const json = JSON.stringify(s).slice(1, -1);
  const inspected = inspect(s).slice(1, -1).replace(/\\'/g, "'");
  return [
    s,
    json,
    inspected,
    JSON.stringify(inspected).slice(1, -1),
    JSON.stringify(json).slice(1, -1),
    encodeURIComponent(s),
    Buffer.from(s).toString('base64'),
    ...base64Inside(s),
  ];
}

/** Base64 fragments shorter than this are not masked (they could occur in unrelated base64 text). */
const minBase64Fragment = 8;

/**
 * The base64 characters that spell `s` wherever it sits inside a longer encoded text (`echo $TOKEN |
 * base64` encodes a newline after it; `user:TOKEN` puts bytes before it): for each of the three byte
 * offsets, the characters that depend on bytes of `s` only.
 */
function base64Inside(s: string): string[] {
  const bytes = Buffer.from(s);
  const out: string[] = [];
  for (let k = 0; k < 3; k++) {
    const encoded = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    const fragment = encoded.slice(Math.ceil((8 * k) / 6), Math.floor((8 * (k + bytes.length)) / 6));
    if (fragment.length >= minBase64Fragment) out.push(fragment);
  }
  return out;
}

/**
 * Registers a resolved value: from now on redact() masks it, each NUL- or newline-separated piece of
 * it, and the escaped forms of both (JSON `\u0000`, Node's `\x00`, base64 as Kubernetes stores it).
 */
export function registerSecret(value: string): void {
  const before = needles.size;
  const add = (s: string, alone: boolean) => {
    if (s.length >= minLength) needles.set(s, alone && (needles.get(s) ?? true));
  };
  for (const s of spellings(value)) add(s, false);
  // [piece, separator, piece, separator, piece]: a piece stands alone, or next to its escaped separator.
  const parts = value.split(/([\0\r\n]+)/);
  for (let i = 0; i < parts.length && parts.length > 1; i += 2) {
    const piece = parts[i];
    if (piece.length < minLength) continue;
    for (const s of spellings(piece)) add(s, true);
    if (i > 0) for (const s of spellings(parts[i - 1] + piece)) add(s, false);
    if (i + 1 < parts.length) for (const s of spellings(piece + parts[i + 1])) add(s, false);
  }
  if (needles.size !== before) pattern = undefined;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Spellings at least this long are replaced as plain strings, not through the one regular expression:
 * V8 refuses a pattern of a few hundred KiB ("Regular expression too large"), and a secret file may
 * hold up to 1 MiB. A piece that long needs no word-boundary check to avoid garbling other text.
 */
const longNeedle = 1024;
let long: string[] | undefined;

function compiled(): RegExp | undefined {
  if (needles.size === 0) return undefined;
  if (!pattern) {
    // Longest first, so a whole value is replaced before one of its pieces.
    const sorted = [...needles].sort((a, b) => b[0].length - a[0].length);
    long = sorted.filter(([n]) => n.length >= longNeedle).map(([n]) => n);
    const alts = sorted.filter(([n]) => n.length < longNeedle).map(([n, alone]) => (alone ? `(?<![A-Za-z0-9])${escapeRe(n)}(?![A-Za-z0-9])` : escapeRe(n)));
    pattern = new RegExp(alts.length ? alts.join('|') : '(?!)', 'g');
  }
  return pattern;
}

/** `text` with every registered secret (in every spelling) replaced by `***`. */
export function redact(text: string): string {
  const re = compiled();
  if (!re || !text) return text;
  let out = text;
  for (const n of long ?? []) if (out.includes(n)) out = out.replaceAll(n, REDACTED);
  return out.replace(re, REDACTED);
}

/** A copy of a JSON-like value with every string value redacted (keys are field names, kept). */
export function redactDeep<T>(value: T): T {
  if (!compiled()) return value;
  return walk(value) as T;
}

function walk(v: unknown): unknown {
  if (typeof v === 'string') return redact(v);
  if (Array.isArray(v)) return v.map(walk);
  if (v && typeof v === 'object' && (v.constructor === Object || Object.getPrototypeOf(v) === null)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = walk(x);
    return out;
  }
  return v;
}
