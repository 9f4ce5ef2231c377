// What the state file may hold of a resource. Kubernetes Secrets written in raw manifests carry their
// data in the spec; the state file keeps only a `(redacted)` marker per key, so nothing secret is at rest in
// SQLite. Redacted resources are marked so nobody re-applies them from the store (a rollback keeps
// the Secret Git has now). Other specs hold secrets only as references and keyed digests.
import type { Json } from '../model/json.js';
import type { DesiredResource } from '../model/resource.js';
import { isKubeSecretResource } from '../model/secret-policy.js';

// A fixed marker, not a digest: an unsalted hash of a weak password could be brute-forced offline.
// Change detection does not need it (the resource hash is stored apart).
function markValues(values: Json | undefined): Json | undefined {
  if (!values || typeof values !== 'object' || Array.isArray(values)) return values;
  return Object.fromEntries(Object.keys(values).map((k) => [k, '(redacted)']));
}

/** The resource as it may be stored: Secret data/stringData replaced by markers, rendered text dropped. */
export function redactForStorage(r: DesiredResource): DesiredResource {
  if (r.kind !== 'KubeObject' || !isKubeSecretResource(r)) return r;
  const spec = { ...r.spec };
  if ('data' in spec) spec.data = markValues(spec.data as Json | undefined);
  if ('stringData' in spec) spec.stringData = markValues(spec.stringData as Json | undefined);
  const { rendered: _rendered, ...rest } = r;
  return { ...rest, spec, redacted: true };
}
