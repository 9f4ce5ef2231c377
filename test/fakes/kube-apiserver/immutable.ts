// FAKE kube-apiserver: immutable fields of the built-ins it serves. An update that changes one is
// refused with 422 Invalid, as the real validation does (values are printed as JSON, where the real
// server prints Go syntax such as `v1.LabelSelector{...}`).
import { deepEqual, type Obj } from './fields.js';
import type { ResourceType } from './resources.js';
import { StatusError } from './status.js';

interface Cause {
  field: string;
  message: string;
  reason: 'FieldValueInvalid' | 'FieldValueForbidden';
}

const at = (o: Obj, path: string): unknown => path.split('.').reduce<unknown>((c, k) => (c && typeof c === 'object' ? (c as Obj)[k] : undefined), o);
const changed = (a: Obj, b: Obj, path: string) => !deepEqual(at(a, path), at(b, path));
const invalid = (field: string, value: unknown, why = 'field is immutable'): Cause => ({
  field,
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${JSON.stringify(value)}: ${why}`,
});

/** Immutable-field violations of `next` against the stored `live` object (empty when none). */
export function immutableViolations(kind: string, live: Obj, next: Obj): Cause[] {
  const out: Cause[] = [];
  switch (kind) {
    case 'Deployment':
    case 'ReplicaSet':
    case 'DaemonSet':
      if (changed(live, next, 'spec.selector')) out.push(invalid('spec.selector', at(next, 'spec.selector')));
      break;
    case 'StatefulSet': {
      const mutable = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];
      const a = { ...((live.spec as Obj) ?? {}) };
      const b = { ...((next.spec as Obj) ?? {}) };
      for (const k of mutable) {
        delete a[k];
        delete b[k];
      }
      if (!deepEqual(a, b))
        out.push({
          field: 'spec',
          reason: 'FieldValueForbidden',
          message: `Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden`,
        });
      break;
    }
    case 'Job':
      if (changed(live, next, 'spec.selector')) out.push(invalid('spec.selector', at(next, 'spec.selector')));
      if (changed(live, next, 'spec.template')) out.push(invalid('spec.template', at(next, 'spec.template')));
      break;
    case 'Service':
      if (at(live, 'spec.clusterIP') !== undefined && changed(live, next, 'spec.clusterIP'))
        out.push(invalid('spec.clusterIP', at(next, 'spec.clusterIP'), 'may not change once set'));
      break;
    case 'ConfigMap':
    case 'Secret':
      if (live.immutable === true) {
        for (const f of ['data', 'binaryData', 'stringData'])
          if (changed(live, next, f)) out.push({ field: f, reason: 'FieldValueForbidden', message: 'Forbidden: field is immutable when `immutable` is set' });
        if (next.immutable !== true)
          out.push({ field: 'immutable', reason: 'FieldValueForbidden', message: 'Forbidden: field is immutable when `immutable` is set' });
      }
      break;
  }
  return out;
}

/** The 422 Status the real server answers: `Deployment.apps "web" is invalid: spec.selector: Invalid value: ...`. */
export function invalidError(t: ResourceType, name: string, causes: Cause[]): StatusError {
  const qualified = t.group ? `${t.kind}.${t.group}` : t.kind;
  const detail = causes.map((c) => `${c.field}: ${c.message}`);
  const message = `${qualified} "${name}" is invalid: ${detail.length > 1 ? `[${detail.join(', ')}]` : detail[0]}`;
  return new StatusError(422, 'Invalid', message, { name, group: t.group || undefined, kind: t.kind, causes });
}
