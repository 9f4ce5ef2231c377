// Custom resources of CRDs defined in the same revision are validated by the CRD's
// `openAPIV3Schema` for their version, the way the API server would: unknown fields (unless
// `x-kubernetes-preserve-unknown-fields`), types (with `nullable` and
// `x-kubernetes-int-or-string`), enums and required fields. apiVersion, kind and metadata are the
// server's business and are checked elsewhere.
import type { FieldProblem, Path } from './builtin-schemas.js';

// biome-ignore lint/suspicious/noExplicitAny: JSONSchemaProps is open-ended JSON read with optional chaining
type Schema = Record<string, any>;
const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** CRD kinds declared in a revision: `group/version/Kind` → schema (undefined schema: anything goes). */
export class CrdSchemas {
  private readonly byGvk = new Map<string, Schema | undefined>();
  /** group → kind → versions, for messages about a wrong version or kind. */
  private readonly groups = new Map<string, Map<string, string[]>>();

  add(crd: Record<string, unknown>): void {
    const spec = (crd.spec ?? {}) as Schema;
    const group = String(spec.group ?? '');
    const kind = String(spec.names?.kind ?? '');
    if (!group || !kind) return;
    const kinds = this.groups.get(group) ?? this.groups.set(group, new Map()).get(group)!;
    for (const v of (spec.versions ?? []) as Schema[]) {
      if (v.served === false) continue;
      this.byGvk.set(`${group}/${v.name}/${kind}`, v.schema?.openAPIV3Schema ?? spec.validation?.openAPIV3Schema);
      kinds.set(kind, [...(kinds.get(kind) ?? []), String(v.name)]);
    }
  }

  /** Whether a group is declared by a CRD of the revision. */
  hasGroup(group: string): boolean {
    return this.groups.has(group);
  }

  /** Kinds and their served versions of a group. */
  kindsOf(group: string): Map<string, string[]> {
    return this.groups.get(group) ?? new Map();
  }

  has(apiVersion: string, kind: string): boolean {
    return this.byGvk.has(`${apiVersion}/${kind}`);
  }

  validate(obj: Record<string, unknown>): FieldProblem[] {
    const schema = this.byGvk.get(`${String(obj.apiVersion)}/${String(obj.kind)}`);
    if (!schema) return [];
    const out: FieldProblem[] = [];
    const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = obj;
    walk(rest, schema, [], out, true);
    return out;
  }
}

function walk(value: unknown, s: Schema, path: Path, out: FieldProblem[], top = false): void {
  if (value === null) {
    if (!s.nullable && s.type && !top) out.push({ path, keyword: 'type', message: `must be ${s.type}`, params: { type: s.type } });
    return;
  }
  if (s['x-kubernetes-int-or-string']) {
    if (typeof value !== 'string' && !Number.isInteger(value))
      out.push({ path, keyword: 'type', message: 'must be an integer or a string', params: { type: 'int-or-string' } });
    return;
  }
  if (s.type && !top && !typeMatches(value, s.type)) {
    out.push({ path, keyword: 'type', message: `must be ${s.type}`, params: { type: s.type } });
    return;
  }
  if (Array.isArray(s.enum) && !s.enum.some((e: unknown) => JSON.stringify(e) === JSON.stringify(value)))
    out.push({ path, keyword: 'enum', message: 'must be one of', params: { allowedValues: s.enum } });
  if (Array.isArray(value)) {
    if (s.items) value.forEach((v, i) => walk(v, s.items, [...path, i], out));
    return;
  }
  if (!isObj(value)) return;
  for (const r of (s.required ?? []) as string[])
    if (value[r] === undefined) out.push({ path: [...path, r], keyword: 'required', message: 'required field missing' });
  const props = (s.properties ?? {}) as Record<string, Schema>;
  const known = Object.keys(props);
  for (const [k, v] of Object.entries(value)) {
    if (props[k]) walk(v, props[k], [...path, k], out);
    else if (isObj(s.additionalProperties)) walk(v, s.additionalProperties, [...path, k], out);
    else if (s.additionalProperties !== true && s['x-kubernetes-preserve-unknown-fields'] !== true && !(top && k === 'status'))
      out.push({ path: [...path, k], keyword: 'unknown', message: 'unknown field', candidates: known });
  }
}

function typeMatches(v: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return isObj(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    default:
      return true;
  }
}
