// FAKE kube-apiserver: the field schema of the built-in kinds it serves, taken from the typed models
// of @kubernetes/client-node (generated from the official OpenAPI of Kubernetes 1.34). It drives
// strict field validation (`fieldValidation=Strict`, unknown fields otherwise dropped with a
// Warning header, as the real server does) and the `/openapi/v3` documents kubectl reads.
// Deliberately independent of Boreas's own offline validation (src/manifests/kubernetes, which uses
// kubernetes-models), so the two check each other.
import * as models from '@kubernetes/client-node';
import type { Obj } from './fields.js';
import type { ResourceType } from './resources.js';

interface Attribute {
  baseName: string;
  type: string;
  format: string;
}
type ModelClass = { attributeTypeMap?: Attribute[] };

const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** The client-node model class name of a built-in kind (`V1Deployment`, `V2HorizontalPodAutoscaler`). */
export function modelName(t: Pick<ResourceType, 'version' | 'kind'>): string | undefined {
  const name = `${t.version.charAt(0).toUpperCase()}${t.version.slice(1)}${t.kind}`;
  return attributes(name) ? name : undefined;
}

function attributes(model: string): Attribute[] | undefined {
  const cls = (models as unknown as Record<string, ModelClass | undefined>)[model];
  return cls && Array.isArray(cls.attributeTypeMap) ? cls.attributeTypeMap : undefined;
}

/** An unknown field: its path as the real server prints it, and where it sits (to drop it). */
export interface UnknownField {
  path: string;
  holder: Obj;
  key: string;
}

/**
 * Unknown fields of an object of a built-in kind, as the real server's structured-merge-diff prints
 * them: `.spec.replica`, `.spec.template.spec.containers[name="web"].imagePullPolice`.
 */
export function unknownFields(obj: Obj, model: string): UnknownField[] {
  const out: UnknownField[] = [];
  walk(obj, model, '', out);
  return out;
}

function walk(value: unknown, type: string, path: string, out: UnknownField[]): void {
  if (value === null || value === undefined) return;
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (Array.isArray(value))
      value.forEach((item, i) => {
        walk(item, array[1], `${path}${isObj(item) && typeof item.name === 'string' ? `[name=${JSON.stringify(item.name)}]` : `[${i}]`}`, out);
      });
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (isObj(value)) for (const [k, v] of Object.entries(value)) walk(v, map[1], `${path}.${k}`, out);
    return;
  }
  const attrs = attributes(type);
  if (!attrs || !isObj(value)) return; // scalars, IntOrString, any, RawExtension
  for (const [k, v] of Object.entries(value)) {
    const a = attrs.find((x) => x.baseName === k);
    if (!a) out.push({ path: `${path}.${k}`, holder: value, key: k });
    else walk(v, a.type, `${path}.${k}`, out);
  }
}

/** OpenAPI v3 schema of a model, with `$ref`s into `components.schemas` collected in `defs`. */
export function openApiSchema(model: string, defs: Record<string, unknown>): unknown {
  return schemaOf(model, '', defs);
}

function schemaOf(type: string, format: string, defs: Record<string, unknown>): unknown {
  const array = /^Array<(.+)>$/.exec(type);
  if (array) return { type: 'array', items: schemaOf(array[1], format, defs) };
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return { type: 'object', additionalProperties: schemaOf(map[1], format, defs) };
  switch (type) {
    case 'string':
      return format ? { type: 'string', format } : { type: 'string' };
    case 'number':
      return { type: format === 'double' ? 'number' : 'integer', ...(format ? { format } : {}) };
    case 'boolean':
      return { type: 'boolean' };
    case 'Date':
      return { type: 'string', format: 'date-time' };
    case 'IntOrString':
      return { 'x-kubernetes-int-or-string': true };
    case 'any':
    case 'object':
      return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  }
  const attrs = attributes(type);
  if (!attrs) return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  if (!(type in defs)) {
    defs[type] = {}; // placeholder first: models are recursive (JSONSchemaProps)
    const properties: Record<string, unknown> = {};
    for (const a of attrs) properties[a.baseName] = schemaOf(a.type, a.format, defs);
    defs[type] = { type: 'object', properties };
  }
  return { $ref: `#/components/schemas/${type}` };
}
