// FAKE kube-apiserver: `/openapi/v3` documents for the kinds it serves. kubectl reads them to learn
// whether a PATCH supports `fieldValidation` (server-side validation, else it validates on the
// client and needs schemas) and for `kubectl explain`. Built-in schemas come from schema.ts; custom
// resources use their CRD's `openAPIV3Schema`.
import { createHash } from 'node:crypto';
import { groupVersion, type ResourceType } from './resources.js';
import { modelName, openApiSchema } from './schema.js';

/** `/openapi/v3`: one entry per served group/version, each pointing at its document by hash. */
export function openApiRoot(types: ResourceType[]): object {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of new Set(types.map(groupVersion))) {
    const p = gvPath(gv);
    const hash = createHash('sha256')
      .update(JSON.stringify(openApiDocument(types, gv)))
      .digest('hex')
      .slice(0, 32)
      .toUpperCase();
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hash}` };
  }
  return { paths };
}

const gvPath = (gv: string) => (gv.includes('/') ? `apis/${gv}` : `api/${gv}`);

/** `/openapi/v3/apis/<group>/<version>` (undefined when the group/version is not served). */
export function openApiDocument(types: ResourceType[], gv: string): object | undefined {
  const mine = types.filter((t) => groupVersion(t) === gv);
  if (!mine.length) return undefined;
  const schemas: Record<string, unknown> = {};
  const paths: Record<string, unknown> = {};
  for (const t of mine) {
    const gvk = { group: t.group, version: t.version, kind: t.kind };
    const id = `${t.group ? reverse(t.group) : 'io.k8s.api.core'}.${t.version}.${t.kind}`;
    const model = t.crd ? undefined : modelName(t);
    const base = t.crd ? ((t.crd.schema as object | undefined) ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }) : undefined;
    const schema = model ? (schemas[model] ? { $ref: `#/components/schemas/${model}` } : openApiSchema(model, schemas)) : base;
    schemas[id] = { allOf: [schema], 'x-kubernetes-group-version-kind': [gvk] };
    const ref = { $ref: `#/components/schemas/${id}` };
    const ok = { '200': { description: 'OK', content: { 'application/json': { schema: ref } } } };
    const query = (name: string) => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } });
    const write = { parameters: ['dryRun', 'fieldManager', 'fieldValidation'].map(query), responses: ok, 'x-kubernetes-group-version-kind': gvk };
    const item = `/${gvPath(gv)}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.name}/{name}`;
    paths[item] = {
      get: { responses: ok, 'x-kubernetes-action': 'get', 'x-kubernetes-group-version-kind': gvk },
      put: { ...write, 'x-kubernetes-action': 'put' },
      patch: { ...write, parameters: [...write.parameters, query('force')], 'x-kubernetes-action': 'patch' },
      delete: { responses: ok, 'x-kubernetes-action': 'delete', 'x-kubernetes-group-version-kind': gvk },
    };
    paths[`/${gvPath(gv)}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.name}`] = {
      get: { responses: ok, 'x-kubernetes-action': 'list', 'x-kubernetes-group-version-kind': gvk },
      post: { ...write, 'x-kubernetes-action': 'post' },
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes (fake)', version: 'v1.31.0' }, paths, components: { schemas } };
}

/** `networking.k8s.io` → `io.k8s.networking` (the real definitions' naming: io.k8s.api.networking.v1.Ingress). */
function reverse(group: string): string {
  const first = group.split('.')[0];
  return group.endsWith('.k8s.io') || !group.includes('.') ? `io.k8s.api.${first}` : group.split('.').reverse().join('.');
}
