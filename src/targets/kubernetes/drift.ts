// Drift = where the live object differs from what a server-side dry-run apply of the desired one
// would produce. The dry-run carries the server's defaults, admission and other managers' fields, so
// only real differences in fields Boreas sets remain (flux ssa "apply only on drift").
import type { Json } from '../../model/resource.js';

type Obj = Record<string, Json>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** Metadata the server owns; differences there are never drift. */
const serverMetadata = ['managedFields', 'resourceVersion', 'uid', 'generation', 'creationTimestamp', 'selfLink'];

/** The object without status and server-managed metadata. */
export function comparable(obj: Obj): Obj {
  const { status: _s, ...rest } = obj;
  if (isObj(rest.metadata)) {
    const md = { ...rest.metadata };
    for (const k of serverMetadata) delete md[k];
    rest.metadata = md;
  }
  return rest;
}

/** Dotted paths where `live` differs from `dryRun` (`spec.replicas`, `spec.template.spec.containers[name=api].image`). */
export function driftPaths(live: Obj, dryRun: Obj, limit = 20): string[] {
  const out: string[] = [];
  walk(comparable(live), comparable(dryRun), '', out, limit);
  return out;
}

function walk(a: Json | undefined, b: Json | undefined, path: string, out: string[], limit: number): void {
  if (out.length >= limit) return;
  if (isObj(a) && isObj(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) walk(a[k], b[k], path ? `${path}.${k}` : k, out, limit);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((item, i) => {
      const name = isObj(item) && typeof item.name === 'string' && isObj(b[i]) && b[i] && (b[i] as Obj).name === item.name ? `[name=${item.name}]` : `[${i}]`;
      walk(item, b[i], `${path}${name}`, out, limit);
    });
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push(path || '(object)');
}

/**
 * Whether the live object already holds every field of the configuration with the same value
 * (extra live fields, e.g. server defaults or other managers' fields, are fine). If so, applying it
 * again cannot change anything Boreas owns, so no dry-run is needed. A `false` is only a "maybe":
 * the caller confirms with a dry-run, which also absorbs server normalisation (`0.5` → `500m`).
 */
export function containsAll(live: Json | undefined, config: Json | undefined): boolean {
  if (config === null) return live === null || live === undefined;
  if (Array.isArray(config)) return Array.isArray(live) && live.length === config.length && config.every((c, i) => containsAll(live[i], c));
  if (isObj(config)) return isObj(live) && Object.entries(config).every(([k, v]) => containsAll(live[k], v));
  return live === config;
}
