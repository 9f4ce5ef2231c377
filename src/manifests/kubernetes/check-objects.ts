// Offline validation of the raw Kubernetes objects of a revision, so `validate` (and a PR preview)
// refuses what a cluster would refuse or silently mangle: apiVersions removed from (or not yet in)
// the environment's Kubernetes version, unknown fields, wrong types and enum values of built-in
// kinds (official OpenAPI schemas), custom resources against CRDs of the same revision, sync
// annotations Boreas orders by, and two files defining the same object.
import type { ManifestSet, Origin, RawKubeObject } from '../model.js';
import { didYouMean } from '../../util/suggest.js';
import { withReferencesAsSent } from './boreas-refs.js';
import { apiVersionProblem, DEFAULT_KUBERNETES_VERSION, minorOf } from './api-versions.js';
import { BuiltinSchemas, type FieldProblem, isBuiltinGroup, type Path, shippedGroupVersions } from './builtin-schemas.js';
import { CrdSchemas } from './crd-schemas.js';
import {
  HELM_HOOK_ANNOTATION,
  HELM_HOOK_DELETE_POLICIES,
  HELM_HOOK_DELETE_POLICY_ANNOTATION,
  HELM_HOOKS,
  HOOK_ANNOTATIONS,
  HOOK_DELETE_POLICIES,
  HOOK_DELETE_POLICY_ANNOTATIONS,
  HOOK_VALUES,
  REPLACE_ANNOTATION,
  SYNC_WAVE_ANNOTATIONS,
} from './sync-annotations.js';

/** A problem at a field of a raw object (position resolved later by the loader). */
export interface KubeFinding {
  origin: Origin;
  path: Path;
  manifest: string;
  message: string;
}

/** Minor version of the bundled schemas: unknown kinds of built-in groups are only reported up to it. */
const SCHEMAS_MINOR = minorOf(DEFAULT_KUBERNETES_VERSION);

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');
const labelOf = (o: RawKubeObject['object']) => `${o.kind}/${o.metadata.name}`;

/** Every finding over all applications' raw objects; loads schemas only when there are objects. */
export async function checkKubernetesObjects(manifests: ManifestSet): Promise<KubeFinding[]> {
  const all = [...manifests.kubeObjects.values()].flat();
  if (all.length === 0) return [];
  const out: KubeFinding[] = [];
  const crds = new CrdSchemas();
  for (const r of all) if (r.object.kind === 'CustomResourceDefinition' && r.object.apiVersion === 'apiextensions.k8s.io/v1') crds.add(r.object);
  const builtins = new BuiltinSchemas();
  const seen = new Map<string, RawKubeObject>();

  for (const [app, objects] of manifests.kubeObjects) {
    const env = manifests.environments.get(manifests.applications.get(app)?.manifest.spec.environment ?? '')?.manifest;
    const version = env?.spec.kubernetes?.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
    const namespace = env?.spec.kubernetes?.namespace ?? 'default';
    for (const r of objects) {
      const o = r.object;
      const at = (path: Path, message: string) => out.push({ origin: r.origin, path, manifest: labelOf(o), message });

      const id = `${env?.metadata.name ?? ''}|${groupOf(o.apiVersion)}|${o.kind}|${o.metadata.namespace ?? namespace}|${o.metadata.name}`;
      const first = seen.get(id);
      if (first) {
        at(
          ['metadata', 'name'],
          `duplicate object: ${o.kind} ${o.metadata.namespace ?? namespace}/${o.metadata.name} is also defined at ${first.origin.file}:${first.origin.line} (application ${first.application})`,
        );
      } else seen.set(id, r);

      checkSyncAnnotations(o, at);

      const removed = apiVersionProblem(o.apiVersion, o.kind, version);
      if (removed) {
        at(['apiVersion'], removed);
        continue;
      }
      let problems: FieldProblem[] = [];
      if (crds.has(o.apiVersion, o.kind)) problems = crds.validate(o);
      else if (isBuiltinGroup(o.apiVersion)) {
        if (await builtins.has(o.apiVersion, o.kind)) problems = await builtins.validate(withReferencesAsSent(o));
        else if (minorOf(version) <= SCHEMAS_MINOR) await unknownBuiltin(o, builtins, at);
      } else if (crds.hasGroup(groupOf(o.apiVersion))) unknownCustom(o, crds, at);
      for (const p of problems) at(p.path, describe(p, valueAt(o, p.path)));
    }
  }
  return out;
}

/**
 * `boreas.dev/sync-wave` must be an integer; a hook annotation must name a phase Boreas knows, a
 * delete policy one Boreas applies; `boreas.dev/replace` is "true" or "false".
 */
function checkSyncAnnotations(o: RawKubeObject['object'], at: (path: Path, message: string) => void): void {
  const annotations = (o.metadata.annotations ?? {}) as Record<string, unknown>;
  for (const a of SYNC_WAVE_ANNOTATIONS) {
    const v = annotations[a];
    if (v !== undefined && !/^[+-]?\d+$/.test(String(v).trim()))
      at(['metadata', 'annotations', a], `sync wave must be an integer, e.g. "-1" or "2" (got ${JSON.stringify(v)})`);
  }
  for (const a of HOOK_ANNOTATIONS) {
    const v = annotations[a];
    if (v === undefined) continue;
    for (const h of String(v)
      .split(',')
      .map((s) => s.trim())) {
      if ((HOOK_VALUES as readonly string[]).includes(h)) continue;
      const known = a.startsWith('argocd') ? ['Skip', 'SyncFail', 'PreDelete', 'PostDelete'] : [];
      if (known.includes(h)) at(['metadata', 'annotations', a], `hook ${h} is not supported by Boreas yet (supported: ${HOOK_VALUES.join(', ')})`);
      else at(['metadata', 'annotations', a], `unknown hook "${h}"${didYouMean(h, HOOK_VALUES)} (one of ${HOOK_VALUES.join(', ')})`);
    }
  }
  const policies = (a: string, known: readonly string[]) => {
    const v = annotations[a];
    if (v === undefined) return;
    for (const p of String(v)
      .split(',')
      .map((s) => s.trim()))
      if (!known.includes(p)) at(['metadata', 'annotations', a], `unknown hook delete policy "${p}"${didYouMean(p, known)} (one of ${known.join(', ')})`);
  };
  for (const a of HOOK_DELETE_POLICY_ANNOTATIONS) policies(a, HOOK_DELETE_POLICIES);
  policies(HELM_HOOK_DELETE_POLICY_ANNOTATION, Object.keys(HELM_HOOK_DELETE_POLICIES));
  const replace = annotations[REPLACE_ANNOTATION];
  if (replace !== undefined && replace !== 'true' && replace !== 'false')
    at(['metadata', 'annotations', REPLACE_ANNOTATION], `must be "true" or "false" (got ${JSON.stringify(replace)})`);
  const helm = annotations[HELM_HOOK_ANNOTATION];
  if (
    helm !== undefined &&
    !String(helm)
      .split(',')
      .some((h) => HELM_HOOKS[h.trim()])
  )
    at(
      ['metadata', 'annotations', HELM_HOOK_ANNOTATION],
      `helm hook ${JSON.stringify(helm)} has no Boreas equivalent (supported: ${Object.keys(HELM_HOOKS).join(', ')})`,
    );
}

async function unknownBuiltin(o: RawKubeObject['object'], builtins: BuiltinSchemas, at: (path: Path, message: string) => void): Promise<void> {
  const group = groupOf(o.apiVersion);
  const versions = [...shippedGroupVersions()].filter((gv) => groupOf(gv) === group || (!group && !gv.includes('/')));
  if (!versions.includes(o.apiVersion)) {
    at(['apiVersion'], `unknown apiVersion ${o.apiVersion}${didYouMean(o.apiVersion, versions)} (group ${group || 'core'} has ${versions.join(', ')})`);
    return;
  }
  const kinds = await builtins.kindsOf(o.apiVersion);
  at(['kind'], `${o.apiVersion} has no kind ${o.kind}${didYouMean(o.kind, kinds)}`);
}

function unknownCustom(o: RawKubeObject['object'], crds: CrdSchemas, at: (path: Path, message: string) => void): void {
  const group = groupOf(o.apiVersion);
  const kinds = crds.kindsOf(group);
  const versions = kinds.get(o.kind);
  if (versions) at(['apiVersion'], `the CRD of ${o.kind} serves ${versions.map((v) => `${group}/${v}`).join(', ')}, not ${o.apiVersion}`);
  else
    at(
      ['kind'],
      `no CRD in this revision defines kind ${o.kind} in group ${group}${didYouMean(o.kind, kinds.keys())} (known: ${[...kinds.keys()].join(', ')})`,
    );
}

function describe(p: FieldProblem, value: unknown): string {
  const got = value === undefined ? '' : ` (got ${typeof value === 'string' ? JSON.stringify(value) : `${typeof value} ${JSON.stringify(value)}`})`;
  switch (p.keyword) {
    case 'unknown':
      return `unknown field${didYouMean(String(p.path[p.path.length - 1]), p.candidates ?? [])}`;
    case 'enum': {
      const allowed = (p.params?.allowedValues as unknown[]) ?? [];
      return `must be one of ${allowed.join(', ')}${got}${typeof value === 'string' ? didYouMean(value, allowed.map(String)) : ''}`;
    }
    case 'required':
      return p.message;
    default:
      return `${p.message}${got}`;
  }
}

function valueAt(o: unknown, path: Path): unknown {
  let cur = o;
  for (const k of path) cur = cur && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[k] : undefined;
  return cur;
}
