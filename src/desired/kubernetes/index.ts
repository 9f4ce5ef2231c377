// Desired resources of an Application in a `type: kubernetes` environment: its raw objects
// (`kubernetes.path`) applied as written, or its container rendered into Deployments + Service.
// Pure. Namespaces and CRDs of the app come first: everything else of the app depends on them;
// then sync phases and waves order the rest (sync-order.ts).
import type { Located, ManifestSet } from '../../manifests/model.js';
import type { Application, Environment } from '../../model/manifest-types.generated.js';
import type { KubeObjectResource } from '../../model/resource.js';
import { hashJson } from '../../util/hash.js';
import { renderContainerApp } from './container.js';
import { APPLICATION_LABEL, kubeObjectId, kubeObjectLabel, kubeTarget, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from './ids.js';
import { clusterScopedKinds, isFoundationKind, type KubeObject, kubeObjectOf } from './object.js';
import { renderKubeObject } from './render.js';
import { hookPolicy, stepDependencies } from './sync-order.js';

export { kubeObjectId, kubeTarget } from './ids.js';
export type { KubeObject } from './object.js';
export { syncPhase, syncWave } from './sync-order.js';

/** Every Kubernetes object of one application as DesiredResources of target `kubernetes:<env>`. */
export function buildKubernetesResources(app: Located<Application>, env: Located<Environment>, manifests: ManifestSet): KubeObjectResource[] {
  const a = app.manifest;
  const e = env.manifest;
  const namespace = e.spec.kubernetes?.namespace ?? 'default';
  const raw = manifests.kubeObjects.get(a.metadata.name);
  const objects: KubeObject[] = raw?.length
    ? raw.map((r) => kubeObjectOf(r.object))
    : renderContainerApp(a, e, manifests.releases.get(a.metadata.name)?.manifest);
  const origins = raw?.length ? raw.map((r) => ({ file: r.origin.file, line: r.origin.line, col: r.origin.col })) : [];
  const clusterScoped = clusterScopedKindsOf(manifests);
  for (const o of objects) {
    if (clusterScoped.has(o.kind)) delete o.metadata.namespace;
    else o.metadata.namespace ??= namespace;
    o.metadata.labels = { ...o.metadata.labels, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [APPLICATION_LABEL]: a.metadata.name };
  }
  const resources = objects.map((o, i) => toResource(e.metadata.name, a.metadata.name, o, origins[i]));
  for (const r of resources) {
    const hook = hookPolicy(r.spec);
    if (hook) r.hook = hook;
    if (a.spec.kubernetes?.adopt) r.adopt = true;
  }
  const foundation = resources.filter((r) => isFoundationKind(r.spec.kind)).map((r) => r.id);
  const rest = resources.filter((r) => !isFoundationKind(r.spec.kind));
  const steps = stepDependencies(rest.map((r) => ({ id: r.id, obj: r.spec })));
  rest.forEach((r, i) => {
    r.dependsOn = [...foundation, ...steps[i]];
  });
  return resources;
}

/**
 * The Namespace of a kubernetes environment as a resource, for the engine to add once per environment
 * (owner `Environment/<name>`) when Boreas should create it; apps do not emit it, so two apps in one
 * environment never both claim it.
 */
export function buildNamespaceResource(env: Located<Environment>): KubeObjectResource {
  const e = env.manifest;
  const obj: KubeObject = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: e.spec.kubernetes?.namespace ?? 'default', labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE } },
  };
  return toResource(e.metadata.name, `Environment/${e.metadata.name}`, obj);
}

function toResource(env: string, owner: string, o: KubeObject, origin?: KubeObjectResource['origin']): KubeObjectResource {
  const r: KubeObjectResource = {
    id: kubeObjectId(env, o),
    target: kubeTarget(env),
    kind: 'KubeObject',
    owner,
    environment: env,
    name: kubeObjectLabel(o),
    spec: o,
    hash: hashJson(o),
    dependsOn: [],
    rendered: { [kubeObjectLabel(o)]: renderKubeObject(o) },
  };
  if (origin) r.origin = origin;
  return r;
}

/** Built-in cluster-scoped kinds plus kinds of `scope: Cluster` CRDs anywhere in the repo. */
function clusterScopedKindsOf(manifests: ManifestSet): Set<string> {
  const out = new Set(clusterScopedKinds);
  for (const list of manifests.kubeObjects.values()) {
    for (const { object } of list) {
      if (object.kind !== 'CustomResourceDefinition') continue;
      const spec = object.spec as { scope?: string; names?: { kind?: string } } | undefined;
      if (spec?.scope === 'Cluster' && spec.names?.kind) out.add(spec.names.kind);
    }
  }
  return out;
}
