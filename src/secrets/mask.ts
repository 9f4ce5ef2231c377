// How secrets are masked, the one implementation for plans, reports (text, json, markdown), the API and
// rendered Kubernetes YAML: `{valueFrom}` references are described (`(from env NAME)`,
// `<encrypted: secrets/db.age>`), Kubernetes Secret data, secret-looking env values and secret digests
// are replaced by `(sensitive)`. What counts as secret is decided in policy.ts.
import type { Change, FieldDiff } from '../model/plan.js';
import type { Json } from '../model/json.js';
import type { KubeObject } from '../model/kube-object.js';
import { isKubeSecret, isKubeSecretResource, isSecretName, SECRET_DIGESTS_FIELD, SENSITIVE } from '../model/secret-policy.js';
import { isSecretSource, placeholderOf } from './source.js';

export { isSecretName, SENSITIVE } from '../model/secret-policy.js';

/** Object keys holding environment maps or lists (Boreas `env`, v1 `environment`, k8s `env`). */
const envKeys = new Set(['env', 'environment']);

/** What a changed secret digest renders as: the plan says which secret changed, never its value. */
export const CHANGED_SECRET = '(secret value)';

function isObject(v: Json | undefined): v is { [k: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `(from env NAME)`, `(from file PATH)`, `<encrypted: secrets/db.age>` for a `{valueFrom: ...}` reference, else undefined. */
export function describeValueFrom(value: Json | undefined): string | undefined {
  if (!isObject(value) || Object.keys(value).length !== 1 || !isObject(value.valueFrom)) return undefined;
  return isSecretSource(value.valueFrom) ? placeholderOf(value.valueFrom) : '(from a secret reference)';
}

/** True when a string is one of the placeholders this module produces (printed unquoted). */
export function isMaskMarker(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    (value === SENSITIVE ||
      value === CHANGED_SECRET ||
      /^\(from (env|file) .+\)$/.test(value) ||
      /^<encrypted: .+>$/.test(value) ||
      value === '(from a secret reference)')
  );
}

export interface MaskContext {
  /** Path of `value` inside its resource spec, e.g. `env.DB_PASSWORD` or `spec.containers[0].env[1]`. */
  path?: string;
  /** The value belongs to a Kubernetes Secret: everything under `data`/`stringData` is hidden. */
  kubeSecret?: boolean;
  /** The whole spec the path points into, to look up siblings (k8s env `{name, value}` items). */
  root?: Json;
}

/** Splits `a.b[2].c` into `['a','b','2','c']`. */
export function pathSegments(path: string | undefined): string[] {
  if (!path) return [];
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((s) => s !== '');
}

function getAt(root: Json | undefined, segs: string[]): Json | undefined {
  let cur: Json | undefined = root;
  for (const s of segs) {
    if (Array.isArray(cur)) cur = cur[Number(s)];
    else if (isObject(cur)) cur = cur[s];
    else return undefined;
  }
  return cur;
}

/** Returns a copy of `value` with secrets replaced by placeholders; the input is not modified. */
export function maskSecrets(value: Json, ctx?: MaskContext): Json;
export function maskSecrets(value: Json | undefined, ctx?: MaskContext): Json | undefined;
export function maskSecrets(value: Json | undefined, ctx: MaskContext = {}): Json | undefined {
  if (value === undefined) return undefined;
  return walk(value, pathSegments(ctx.path), ctx, undefined);
}

function walk(value: Json, segs: string[], ctx: MaskContext, parent: Json | undefined): Json {
  const ref = describeValueFrom(value);
  if (ref) return ref;
  if (segs[0] === SECRET_DIGESTS_FIELD && segs.length >= 2) return CHANGED_SECRET;
  if (hiddenAt(segs, ctx, parent)) {
    // A Secret's `data` map keeps its keys visible (which keys changed is useful); all else goes.
    const isDataMap = ctx.kubeSecret && segs.length === 1 && isObject(value);
    return isDataMap ? mapChildren(value, segs, ctx) : SENSITIVE;
  }
  return mapChildren(value, segs, ctx);
}

function mapChildren(value: Json, segs: string[], ctx: MaskContext): Json {
  if (Array.isArray(value)) return value.map((v, i) => walk(v, [...segs, String(i)], ctx, value));
  if (isObject(value)) {
    const out: { [k: string]: Json } = {};
    for (const [k, v] of Object.entries(value)) out[k] = walk(v, [...segs, k], ctx, value);
    return out;
  }
  return value;
}

/** Whether the scalar at `segs` must be hidden. */
function hiddenAt(segs: string[], ctx: MaskContext, parent: Json | undefined): boolean {
  const n = segs.length;
  if (n === 0) return false;
  // Kubernetes Secret: data.<key> and stringData.<key>.
  if (ctx.kubeSecret && n >= 2 && (segs[0] === 'data' || segs[0] === 'stringData')) return true;
  if (ctx.kubeSecret && n === 1 && (segs[0] === 'data' || segs[0] === 'stringData')) return true;
  // Map form: env.DB_PASSWORD.
  if (n >= 2 && envKeys.has(segs[n - 2]) && isSecretName(segs[n - 1])) return true;
  // List form (Kubernetes): env[i].value where env[i].name looks secret.
  if (n >= 3 && segs[n - 1] === 'value' && /^\d+$/.test(segs[n - 2]) && envKeys.has(segs[n - 3])) {
    const item = isObject(parent) ? parent : getAt(ctx.root, segs.slice(0, -1));
    if (isObject(item) && typeof item.name === 'string' && isSecretName(item.name)) return true;
  }
  return false;
}

/** True when a change is about a Kubernetes Secret object. */
export function isKubeSecretChange(change: Pick<Change, 'kind' | 'id' | 'desired' | 'observed'>): boolean {
  return isKubeSecretResource({ kind: change.kind, id: change.id, spec: change.desired?.spec ?? change.observed?.appliedSpec });
}

/** A Kubernetes object as it may be printed: a Secret's data values masked (keys kept), references described. */
export function maskKubeObject(obj: KubeObject): Json {
  return maskSecrets(obj, { kubeSecret: isKubeSecret(obj) });
}

/** A field diff with both sides masked according to where the field sits. */
export function maskFieldDiff(fd: FieldDiff, change: Pick<Change, 'kind' | 'id' | 'desired' | 'observed'>): FieldDiff {
  const kubeSecret = isKubeSecretChange(change);
  const out: FieldDiff = { path: fd.path };
  if ('before' in fd)
    out.before = maskSecrets(fd.before, { path: fd.path, kubeSecret, root: (change.observed?.appliedSpec ?? change.desired?.spec) as Json | undefined });
  if ('after' in fd) out.after = maskSecrets(fd.after, { path: fd.path, kubeSecret, root: change.desired?.spec as Json | undefined });
  return out;
}

/**
 * Text diffs safe to print. A Kubernetes Secret's rendered YAML carries its data, so its diff is
 * replaced by a one-line note; other diffs were masked by the planner when rendered.
 */
export function maskTextDiffs(change: Change): Record<string, string> {
  if (!isKubeSecretChange(change)) return change.textDiffs;
  const out: Record<string, string> = {};
  for (const label of Object.keys(change.textDiffs)) out[label] = `# ${label}: content of a Kubernetes Secret ${SENSITIVE}, diff hidden`;
  return out;
}
