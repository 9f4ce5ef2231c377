// Drift = where the live object differs from what a server-side dry-run apply of the desired one
// would produce, on the fields the user wrote. The dry-run carries the server's defaults, admission
// and other managers' fields, so only real differences in fields Boreas sets remain (flux ssa
// "apply only on drift").
import { sameQuantity } from './quantity.js';
import { itemKey } from '../../util/field-path.js';
import type { Json } from '../../model/resource.js';
import { isKubeSecret } from '../../model/secret-policy.js';
import { isSecretRef } from '../../secrets/source.js';

type Obj = Record<string, Json>;
/** Live objects are wire JSON; configurations are what Git says (a KubeObject), read as `unknown`. */
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const same = (a: Json | undefined, b: Json | undefined) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Paths of the fields the configuration (what Git says) sets where `live` differs from `dryRun`
 * (`spec.replicas`, `spec.template.spec.containers[name=web].image`: the one path style of every
 * Boreas output, util/field-path.ts). Fields the user did not write are never drift, whoever changed them.
 */
export function driftPaths(live: Obj, dryRun: Obj, config: object, limit = 20): string[] {
  const out: string[] = [];
  const fields = Object.fromEntries(Object.entries(config).filter(([k]) => k !== 'status'));
  walk(live, dryRun, fields, '', out, limit);
  return out;
}

function walk(live: Json | undefined, dry: Json | undefined, config: unknown, path: string, out: string[], limit: number): void {
  if (out.length >= limit || same(live, dry)) return;
  if (isMap(config) && isObj(live) && isObj(dry)) {
    for (const k of Object.keys(config)) walk(live[k], dry[k], config[k], path ? `${path}.${k}` : k, out, limit);
    return;
  }
  if (Array.isArray(config) && Array.isArray(live) && Array.isArray(dry) && live.length === dry.length) {
    dry.forEach((d, i) => {
      const name = isObj(d) ? d.name : undefined;
      const guide: unknown = (typeof name === 'string' ? config.find((c) => isMap(c) && c.name === name) : config[i]) ?? d;
      walk(live[i], d, guide, `${path}${itemKey(d, i)}`, out, limit);
    });
    return;
  }
  out.push(path || '(object)');
}

/**
 * Whether the live object already holds every field of the configuration with the same value
 * (extra live fields, e.g. server defaults or other managers' fields, are fine). If so, applying it
 * again cannot change anything Boreas owns, so no dry-run is needed. A `false` is only a "maybe":
 * the caller confirms with a dry-run, which also absorbs server normalisation (`0.5` → `500m`).
 */
export function containsAll(live: Json | undefined, config: unknown): boolean {
  if (config === null) return live === null || live === undefined;
  if (config === undefined) return true;
  if (Array.isArray(config)) return Array.isArray(live) && live.length === config.length && config.every((c, i) => containsAll(live[i], c));
  if (isMap(config)) return isObj(live) && Object.entries(config).every(([k, v]) => containsAll(live[k], v));
  // the server stores quantities in canonical form: `cpu: 0.5` reads back as "500m"
  return live === config || (typeof live === 'string' && (typeof config === 'string' || typeof config === 'number') && sameQuantity(live, config));
}

/**
 * The live values of exactly the fields the configuration sets, shaped like the configuration, so
 * the planner's field diff of a drifted object reads `spec.replicas: 7 → 2`. Values Boreas never
 * shows are not copied from the cluster: resolved env references keep the reference, and Secret
 * data keeps the desired value when equal and `(sensitive)` otherwise.
 */
export function liveView(live: Json | undefined, config: unknown, secret = false): Json | undefined {
  if (live === undefined) return undefined;
  if (secret) return live === config ? live : '(sensitive)';
  if (isMap(config)) {
    if (!isObj(live)) return live;
    const out: Obj = {};
    for (const [k, v] of Object.entries(config)) {
      // A reference (an env item's or a Secret value's `valueFrom`) is shown as written; its siblings
      // (the env item's `name`) are live fields like any other.
      if (k === 'valueFrom' && isSecretRef(config)) {
        out[k] = sourceView(config.valueFrom);
        continue;
      }
      const isSecretData = (k === 'data' || k === 'stringData') && isKubeSecret(config);
      const lv = live[k];
      const view = isSecretData && isMap(v) && isObj(lv) ? secretView(lv, v) : liveView(lv, v);
      if (view !== undefined) out[k] = view;
    }
    return out;
  }
  if (Array.isArray(config)) {
    if (!Array.isArray(live)) return live;
    const named = config.every((c) => isMap(c) && typeof c.name === 'string');
    return live.map((l, i) => {
      const c: unknown = named && isObj(l) ? config.find((x) => isMap(x) && x.name === l.name) : config[i];
      // items the configuration does not have are shown by name only (values may be secret)
      if (c === undefined) return isObj(l) && typeof l.name === 'string' ? { name: l.name } : '(not in Git)';
      return liveView(l, c) ?? null;
    });
  }
  return live;
}

function secretView(live: Obj, config: Record<string, unknown>): Obj {
  const out: Obj = {};
  for (const k of Object.keys(live)) out[k] = k in config ? (liveView(live[k], config[k], true) ?? '(sensitive)') : '(sensitive)';
  return out;
}

/** A reference's source as plain data (`{env: DB_PASSWORD}`, `{sops: {file, key}}`). */
function sourceView(source: object): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(source)) out[k] = typeof v === 'string' ? v : isMap(v) ? sourceView(v) : null;
  return out;
}
