// Validation of built-in kinds against the official Kubernetes OpenAPI schemas, through the
// validators `kubernetes-models` generates from them (types, enums, formats, required fields).
// Each kind's module is imported on first use, so a repo without raw Kubernetes manifests never
// pays for it (measured here: ~80 ms for the shared runtime, then ~20 ms per kind).
//
// Those validators do not reject unknown fields (the OpenAPI documents do not say
// `additionalProperties: false`), so the object is validated through a Proxy that records which
// properties the validator reads at each level: a generated validator reads every property its
// schema declares, so a key it never read is unknown there, and the keys it did read are the
// candidates for "did you mean". Objects whose keys it enumerates are maps (labels), and objects it
// reads nothing of are free-form (RawExtension), so neither reports unknown keys.
// The generated schemas leave out every property named `description` (PriorityClass.description,
// JSONSchemaProps.description) and the `x-kubernetes-*` properties of JSONSchemaProps, so those are
// never reported; a CRD's openAPIV3Schema is left to the API server.
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

export type Path = (string | number)[];

/** A problem of one field: `path` into the object, message without the path. */
export interface FieldProblem {
  path: Path;
  message: string;
  /** Known names at that level, for "did you mean". */
  candidates?: string[];
  /** An ajv keyword (type, enum, required, format) or `unknown`. */
  keyword: string;
  params?: Record<string, unknown>;
}

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
}

type ModelClass = { prototype: { validate(): void } };

const require = createRequire(import.meta.url);

/** Module specifier of a kind: `kubernetes-models/apps/v1/Deployment`, core `kubernetes-models/v1/Service`. */
const specifier = (apiVersion: string, kind: string) => `kubernetes-models/${apiVersion}/${kind}`;

/** Group/versions the package ships (directory names), read once per process on first use. */
let shipped: Set<string> | undefined;
export function shippedGroupVersions(): Set<string> {
  if (shipped) return shipped;
  const root = dirname(require.resolve('kubernetes-models/package.json'));
  shipped = new Set<string>();
  for (const d of readdirSync(root, { withFileTypes: true })) {
    if (!d.isDirectory() || d.name.startsWith('_')) continue;
    if (/^v\d/.test(d.name)) shipped.add(d.name);
    else for (const v of readdirSync(`${root}/${d.name}`, { withFileTypes: true })) if (v.isDirectory()) shipped.add(`${d.name}/${v.name}`);
  }
  return shipped;
}

/** Whether the group of an apiVersion is a built-in one (its objects can be checked offline). */
export function isBuiltinGroup(apiVersion: string): boolean {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  for (const gv of shippedGroupVersions()) if ((gv.includes('/') ? gv.split('/')[0] : '') === group) return true;
  return false;
}

/**
 * The validator of a built-in kind, or undefined when the package has no such kind. Caches per
 * instance (one validation run), not per process: no module-level mutable state beyond the
 * module loader's own cache.
 */
export class BuiltinSchemas {
  private readonly models = new Map<string, Promise<ModelClass | undefined>>();

  async has(apiVersion: string, kind: string): Promise<boolean> {
    return (await this.model(apiVersion, kind)) !== undefined;
  }

  /** Kinds of a shipped group/version (for "did you mean"); loads its index only on that error path. */
  async kindsOf(apiVersion: string): Promise<string[]> {
    if (!shippedGroupVersions().has(apiVersion)) return [];
    const mod = (await import(`kubernetes-models/${apiVersion}`)) as Record<string, unknown>;
    return Object.entries(mod)
      .filter(([name, c]) => typeof c === 'function' && (c as { kind?: unknown }).kind === name && (c as { apiVersion?: unknown }).apiVersion === apiVersion)
      .map(([name]) => name);
  }

  /** Every problem of an object of a known built-in kind (unknown fields, types, enums, required). */
  async validate(obj: Record<string, unknown>): Promise<FieldProblem[]> {
    const model = await this.model(String(obj.apiVersion), String(obj.kind));
    if (!model) return [];
    const { proxy, levels } = track(obj);
    const out: FieldProblem[] = [];
    try {
      model.prototype.validate.call(proxy);
    } catch (err) {
      const errors = (err as { errors?: AjvError[] }).errors;
      if (!errors) throw err;
      for (const e of errors) out.push(fromAjv(e));
    }
    for (const l of levels.values()) {
      if (Array.isArray(l.target) || l.enumerated || l.read.size === 0 || l.path.includes('openAPIV3Schema')) continue;
      for (const k of Object.keys(l.target)) {
        if (l.read.has(k) || (l.path.length === 0 && k === 'status') || k === 'description') continue;
        out.push({ path: [...l.path, k], keyword: 'unknown', message: 'unknown field', candidates: [...l.read] });
      }
    }
    return out;
  }

  private model(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
    const key = `${apiVersion}/${kind}`;
    let m = this.models.get(key);
    if (!m) {
      m =
        shippedGroupVersions().has(apiVersion) && /^[A-Z][A-Za-z0-9]*$/.test(kind)
          ? import(specifier(apiVersion, kind)).then(
              (mod: Record<string, unknown>) => mod[kind] as ModelClass | undefined,
              () => undefined,
            )
          : Promise.resolve(undefined);
      this.models.set(key, m);
    }
    return m;
  }
}

interface Level {
  target: object;
  path: Path;
  read: Set<string>;
  enumerated: boolean;
}

/** A read-tracking view of `root`: every level's read keys, and whether its keys were enumerated. */
function track(root: object): { proxy: object; levels: Map<object, Level> } {
  const levels = new Map<object, Level>();
  const proxies = new WeakMap<object, object>();
  const wrap = (v: unknown, path: Path): unknown => {
    if (!v || typeof v !== 'object') return v;
    const cached = proxies.get(v);
    if (cached) return cached;
    const level: Level = { target: v, path, read: new Set(), enumerated: false };
    levels.set(v, level);
    const p = new Proxy(v, {
      get(t, k, r) {
        const val = Reflect.get(t, k, r);
        if (typeof k !== 'string') return val;
        if (!Array.isArray(t)) level.read.add(k);
        return Object.hasOwn(t, k) ? wrap(val, [...path, Array.isArray(t) ? Number(k) : k]) : val;
      },
      ownKeys(t) {
        level.enumerated = true;
        return Reflect.ownKeys(t);
      },
    });
    proxies.set(v, p);
    return p;
  };
  return { proxy: wrap(root, []) as object, levels };
}

function fromAjv(e: AjvError): FieldProblem {
  const path: Path = e.instancePath
    ? e.instancePath
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
        .map((s) => (/^\d+$/.test(s) ? Number(s) : s))
    : [];
  switch (e.keyword) {
    case 'required':
      return { path: [...path, String(e.params.missingProperty)], keyword: 'required', message: 'required field missing' };
    case 'type':
      return { path, keyword: 'type', message: `must be ${e.params.type}`, params: e.params };
    case 'enum':
      return { path, keyword: 'enum', message: 'must be one of', params: e.params };
    case 'format':
      return { path, keyword: 'format', message: `must be ${formatName(String(e.params.format))}`, params: e.params };
    default:
      return { path, keyword: e.keyword, message: `fails ${e.keyword} ${JSON.stringify(e.params)}` };
  }
}

function formatName(f: string): string {
  return { int32: 'a 32-bit integer', int64: 'a 64-bit integer', 'int-or-string': 'an integer or a string' }[f] ?? `in format ${f}`;
}
