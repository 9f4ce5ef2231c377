// Field-level differences between the applied and the desired spec, as dotted paths, so a plan says
// `spec.version: "v1" → "v2"` instead of "something changed".
import type { Json } from '../model/resource.js';
import type { FieldDiff } from '../model/plan.js';
import { canonicalJson } from '../util/hash.js';

const maxDiffs = 50;

/** Specs are plain JSON data by construction (typed per kind, hence `unknown` here). */
export function diffFields(before: unknown, after: unknown, path = ''): FieldDiff[] {
  const out: FieldDiff[] = [];
  walk(before as Json | undefined, after as Json | undefined, path, out);
  return out.slice(0, maxDiffs);
}

function isObject(v: Json | undefined): v is { [k: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function walk(before: Json | undefined, after: Json | undefined, path: string, out: FieldDiff[]): void {
  if (out.length >= maxDiffs) return;
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const k of keys) walk(before[k], after[k], path ? `${path}.${k}` : k, out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    before.forEach((b, i) => walk(b, after[i], `${path}[${i}]`, out));
    return;
  }
  if (canonicalJson(before) === canonicalJson(after)) return;
  const d: FieldDiff = { path };
  if (before !== undefined) d.before = before;
  if (after !== undefined) d.after = after;
  out.push(d);
}
