// Conversions between Boreas's wire JSON and @kubernetes/client-node objects.
//
// The client serializes request bodies through its typed models, keyed by model property names:
// plain wire JSON loses fields whose wire name differs (`x-kubernetes-preserve-unknown-fields` in a
// CRD schema) or that its models lack. `loadYaml` deserializes wire → model first, so the serializer
// writes them back intact. It also mutates what it sends, hence a fresh object per request.
import { loadYaml, type KubernetesObject } from '@kubernetes/client-node';
import type { Json } from '../../model/resource.js';
import type { KubeObject } from '../../desired/kubernetes/object.js';

/** A client-ready object built from wire JSON (JSON is YAML, so `loadYaml` takes it as it is). */
export function toClientObject(wire: KubeObject): KubernetesObject {
  return loadYaml<KubernetesObject>(JSON.stringify(wire));
}

/**
 * Plain JSON of a response (model objects carry `Date`s). Live objects and dry-run results pass
 * through the same model, so they compare like with like.
 */
export function plain(obj: unknown, apiVersion?: string, kind?: string): Record<string, Json> {
  const out = JSON.parse(JSON.stringify(obj)) as Record<string, Json>;
  // list items of built-in kinds come without apiVersion/kind
  if (apiVersion && out.apiVersion === undefined) out.apiVersion = apiVersion;
  if (kind && out.kind === undefined) out.kind = kind;
  return out;
}

/** Reference for reads and deletes: identity only. */
export function refOf(wire: KubeObject): KubernetesObject {
  const md: KubernetesObject['metadata'] = { name: wire.metadata.name };
  if (wire.metadata.namespace) md.namespace = wire.metadata.namespace;
  return { apiVersion: wire.apiVersion, kind: wire.kind, metadata: md };
}
