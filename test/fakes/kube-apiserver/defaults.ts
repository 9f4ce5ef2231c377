// FAKE kube-apiserver: what the real server adds on write: defaults of built-in kinds (a subset of
// the real defaulters, enough that "live != applied" must be handled by comparing against a
// dry-run), allocated fields, and pruning of unknown fields in custom resources by structural schema.
import type { Obj } from './fields.js';

const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

function podSpecDefaults(spec: Obj): void {
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  for (const c of (spec.containers as Obj[] | undefined) ?? []) {
    c.imagePullPolicy ??= String(c.image ?? '').endsWith(':latest') || !String(c.image ?? '').includes(':') ? 'Always' : 'IfNotPresent';
    c.terminationMessagePath ??= '/dev/termination-log';
    c.terminationMessagePolicy ??= 'File';
    c.resources ??= {};
    for (const p of (c.ports as Obj[] | undefined) ?? []) p.protocol ??= 'TCP';
  }
}

let nextIp = 10;

/** Applies defaults in place; `created` allocates one-time fields (a Service's clusterIP). */
export function applyDefaults(kind: string, obj: Obj, created: boolean, opts: { establishCrds?: 'immediately' | 'manual' } = {}): void {
  const spec = isObj(obj.spec) ? obj.spec : undefined;
  switch (kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
      if (!spec) return;
      if (kind !== 'DaemonSet') spec.replicas ??= 1;
      spec.revisionHistoryLimit ??= 10;
      if (kind === 'Deployment') {
        spec.progressDeadlineSeconds ??= 600;
        spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
      }
      if (isObj(spec.template) && isObj(spec.template.spec)) podSpecDefaults(spec.template.spec);
      return;
    case 'Job':
      if (!spec) return;
      spec.backoffLimit ??= 6;
      spec.completions ??= 1;
      spec.parallelism ??= 1;
      if (isObj(spec.template) && isObj(spec.template.spec)) podSpecDefaults(spec.template.spec);
      return;
    case 'Service':
      if (!spec) return;
      spec.type ??= 'ClusterIP';
      spec.sessionAffinity ??= 'None';
      if (created && spec.clusterIP === undefined) spec.clusterIP = `10.96.0.${nextIp++ % 250}`;
      if (spec.clusterIP && !spec.clusterIPs) spec.clusterIPs = [spec.clusterIP];
      for (const p of (spec.ports as Obj[] | undefined) ?? []) {
        p.protocol ??= 'TCP';
        p.targetPort ??= p.port;
      }
      return;
    case 'Namespace':
      obj.spec = { finalizers: ['kubernetes'], ...(spec ?? {}) };
      obj.status = { phase: 'Active' };
      return;
    case 'CustomResourceDefinition': {
      // The fake has no controller: a new CRD is Established at once unless the test asked to
      // establish CRDs by hand (`establishCrds: 'manual'` + `establishCrd(name)`).
      if (!created) return;
      const established = opts.establishCrds !== 'manual';
      obj.status = {
        conditions: [
          { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts' },
          { type: 'Established', status: established ? 'True' : 'False', reason: established ? 'InitialNamesAccepted' : 'Installing' },
        ],
        acceptedNames: (spec as Obj | undefined)?.names ?? {},
        storedVersions: ((spec?.versions as Obj[] | undefined) ?? []).filter((v) => v.storage).map((v) => v.name),
      };
      return;
    }
  }
}

/**
 * Drops fields not declared in a structural schema, unless `x-kubernetes-preserve-unknown-fields`
 * is set at that level (the real apiserver's pruning of custom resources). apiVersion, kind and
 * metadata are never pruned.
 */
export function pruneUnknown(value: unknown, schema: any, top = true, path = '', onPrune?: (path: string) => void): unknown {
  if (!schema || typeof schema !== 'object') return value;
  if (isObj(value)) {
    if (schema['x-kubernetes-preserve-unknown-fields'] === true && !schema.properties) return value;
    const props = schema.properties as Record<string, unknown> | undefined;
    const additional = schema.additionalProperties;
    for (const k of Object.keys(value)) {
      if (top && (k === 'apiVersion' || k === 'kind' || k === 'metadata')) continue;
      const at = `${path}.${k}`;
      if (props && k in props) value[k] = pruneUnknown(value[k], props[k], false, at, onPrune);
      else if (additional && typeof additional === 'object') value[k] = pruneUnknown(value[k], additional, false, at, onPrune);
      else if (schema['x-kubernetes-preserve-unknown-fields'] !== true && additional !== true) {
        delete value[k];
        onPrune?.(at);
      }
    }
    return value;
  }
  if (Array.isArray(value) && schema.items) return value.map((v, i) => pruneUnknown(v, schema.items, false, `${path}[${i}]`, onPrune));
  return value;
}
