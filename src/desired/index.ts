// The desired graph: validated manifests → resources per target (instances, files, Kubernetes
// objects, certificates; nginx sites and certificate files are added by edge.ts once instance health
// is known). Pure: everything it needs from the world (previous placement, which nodes answer) comes
// in `ctx`.
import type { ManifestSet } from '../manifests/model.js';
import type { Application, SecretSource } from '../model/manifest-types.generated.js';
import type { InstanceSpec } from '../model/machine-specs.js';
import type { DesiredResource, FileResource, InstanceResource, KubeObjectResource } from '../model/resource.js';
import { hashJson } from '../util/hash.js';
import { buildCertificateResources } from './certificates.js';
import { buildFileSpecs, filesHash } from './files.js';
import { fileId, instanceId } from './ids.js';
import { buildKubernetesResources, buildNamespaceResource } from './kubernetes/index.js';
import { buildInstanceSpecs, type Placement } from './machine-instances.js';
import { placeOnEnvironment } from './place.js';
import { withPruneDisabled } from './prune-policy.js';
import { endpointsOf, type RelationView, relationView } from './relations.js';
import { kubeSecretDigest } from '../secrets/kube.js';
import { renderKubeObject } from './kubernetes/render.js';

/** Annotation carrying the digest of the encrypted values an object uses (never a value). */
const SECRET_DIGEST_ANNOTATION = 'boreas.dev/secret-digest';

import type { DesiredContext } from './context.js';

export type { DesiredContext };

export interface DesiredGraph {
  resources: DesiredResource[];
  /** Instance specs per application (machine apps only), for ingress upstreams and status. */
  instances: Map<string, InstanceSpec[]>;
  /** Non-fatal findings, e.g. instances that found no eligible node. */
  warnings: string[];
}

export const defaultDesiredContext: DesiredContext = { previousPlacement: () => new Map(), targetReachable: () => true };

export function buildDesired(manifests: ManifestSet, ctx: DesiredContext = defaultDesiredContext): DesiredGraph {
  const warnings: string[] = [];
  const placements = new Map<string, Placement[]>();
  const instances = new Map<string, InstanceSpec[]>();
  const resources: DesiredResource[] = [];
  const byApp = new Map<string, DesiredResource[]>();
  const add = (owner: string, r: DesiredResource) => {
    resources.push(r);
    (byApp.get(owner) ?? byApp.set(owner, []).get(owner)!).push(r);
  };

  // 1. Place and spec every machine instance (endpoints must be known before files render).
  for (const [name, { manifest: app }] of manifests.applications) {
    const env = manifests.environments.get(app.spec.environment)?.manifest;
    if (!env || env.spec.type === 'kubernetes') continue;
    const placed = placeOnEnvironment(app, env, manifests, ctx, warnings);
    placements.set(name, placed);
    instances.set(name, buildInstanceSpecs(app, manifests.releases.get(name)?.manifest, placed, ctx.secretDigest));
  }

  // 2. Render files with relation endpoints, then emit File and Instance resources.
  for (const [name, specs] of instances) {
    const app = manifests.applications.get(name)!.manifest;
    const relations = relationsOf(app, manifests, instances);
    specs.forEach((spec, i) => {
      const target = placements.get(name)![i].target;
      const files = buildFileSpecs(app, spec, relations, (m) => {
        if (spec.ordinal === 0) warnings.push(m);
      });
      spec.filesHash = filesHash(files);
      const fileIds: string[] = [];
      for (const f of files) {
        const file: FileResource = {
          id: fileId(target, spec.instance, f.path),
          target,
          kind: 'File',
          owner: name,
          environment: app.spec.environment,
          name: `${spec.instance}:${f.path}`,
          spec: f,
          hash: hashJson(f),
          dependsOn: [],
          rendered: { [f.path]: f.content },
        };
        fileIds.push(file.id);
        add(name, file);
      }
      const instance: InstanceResource = {
        id: instanceId(target, spec.instance),
        target,
        kind: 'Instance',
        owner: name,
        environment: app.spec.environment,
        name: spec.instance,
        spec,
        hash: hashJson(spec),
        dependsOn: fileIds,
      };
      add(name, instance);
    });
  }

  // 3. Kubernetes applications, after their environment's namespace (created if missing, never
  //    pruned: deleting a namespace deletes everything in it, Boreas's or not).
  const namespaces = new Map<string, DesiredResource>();
  for (const [name, located] of manifests.applications) {
    const env = manifests.environments.get(located.manifest.spec.environment);
    if (env?.manifest.spec.type !== 'kubernetes') continue;
    const objects = buildKubernetesResources(located, env, manifests);
    if (ctx.secretDigest) for (const r of objects) annotateSecretDigest(r, ctx.secretDigest);
    let ns = namespaces.get(env.manifest.metadata.name);
    if (!ns) {
      ns = withPruneDisabled(buildNamespaceResource(env));
      namespaces.set(env.manifest.metadata.name, ns);
    }
    const nsId = ns.id;
    for (const r of objects) {
      if (r.id !== nsId && !r.dependsOn.includes(nsId)) r.dependsOn = [...r.dependsOn, nsId];
      add(name, r);
    }
  }
  const declared = new Set(resources.map((r) => r.id));
  for (const ns of namespaces.values()) if (!declared.has(ns.id)) resources.push(ns);

  // 4. Certificates the Ingresses use, issued on the controller.
  resources.push(...buildCertificateResources(manifests));

  // 5. Cross-application ordering: every resource of A waits for the workloads of each dependency.
  for (const [name, { manifest: app }] of manifests.applications) {
    const deps = (app.spec.dependsOn ?? []).flatMap((d) => (byApp.get(d) ?? []).filter(isWorkload).map((r) => r.id));
    if (deps.length === 0) continue;
    for (const r of byApp.get(name) ?? []) r.dependsOn = [...new Set([...r.dependsOn, ...deps])];
  }
  return { resources, instances, warnings };
}

/** The digest of the object's encrypted values as an annotation (on the pod template too, so pods roll). */
function annotateSecretDigest(r: KubeObjectResource, digest: (source: SecretSource) => string | undefined): void {
  const d = kubeSecretDigest(r.spec, digest);
  if (!d) return;
  const obj = r.spec;
  obj.metadata.annotations = { ...obj.metadata.annotations, [SECRET_DIGEST_ANNOTATION]: d };
  const template = (obj.spec as { template?: { metadata?: { annotations?: Record<string, string> } } } | undefined)?.template;
  if (template) template.metadata = { ...template.metadata, annotations: { ...template.metadata?.annotations, [SECRET_DIGEST_ANNOTATION]: d } };
  r.hash = hashJson(r.spec);
  r.rendered = Object.fromEntries(Object.keys(r.rendered ?? {}).map((label) => [label, renderKubeObject(obj)]));
}

function isWorkload(r: DesiredResource): boolean {
  return r.kind === 'Instance' || r.kind === 'KubeObject';
}

function relationsOf(app: Application, manifests: ManifestSet, instances: Map<string, InstanceSpec[]>): Record<string, RelationView> {
  const out: Record<string, RelationView> = {};
  for (const rel of app.spec.relations ?? []) {
    const target = manifests.applications.get(rel.application)?.manifest;
    out[rel.name] = relationView(target ? endpointsOf(target, instances.get(rel.application) ?? [], rel.port) : []);
  }
  return out;
}

export { buildEdgeResources, type EdgeContext } from './edge.js';
export { reachabilityTargets } from './targets.js';
