// Sync ordering of one application's objects, as Argo CD users expect it: phases (PreSync hooks,
// then the objects, then PostSync hooks), and within a phase waves (lower first, default 0). Each
// object depends on every object of the step before it, so the engine applies a step only once the
// previous one is applied and healthy (a PreSync migration Job must complete before the Deployment
// changes). Pure: annotations in, dependsOn out.
import {
  HELM_HOOK_ANNOTATION,
  HELM_HOOK_DELETE_POLICIES,
  HELM_HOOK_DELETE_POLICY_ANNOTATION,
  HELM_HOOKS,
  HOOK_ANNOTATIONS,
  HOOK_DELETE_POLICIES,
  HOOK_DELETE_POLICY_ANNOTATIONS,
  HOOK_VALUES,
  type HookDeletePolicy,
  SYNC_WAVE_ANNOTATIONS,
  type SyncPhase,
} from '../../manifests/kubernetes/sync-annotations.js';
import type { HookPolicy } from '../../model/resource.js';
import type { KubeObject } from './object.js';

const phaseRank: Record<SyncPhase, number> = { PreSync: 0, Sync: 1, PostSync: 2 };

const annotation = (o: KubeObject, names: readonly string[]) => {
  for (const n of names) {
    const v = o.metadata.annotations?.[n];
    if (v !== undefined) return { name: n, value: v };
  }
  return undefined;
};

/** The wave of an object (an integer annotation; 0 when absent or not an integer, which validation reports). */
export function syncWave(o: KubeObject): number {
  const a = annotation(o, SYNC_WAVE_ANNOTATIONS);
  return a && /^[+-]?\d+$/.test(a.value.trim()) ? Number(a.value) : 0;
}

/** The phase of an object: its hook annotation, else a Helm pre/post hook, else Sync. */
export function syncPhase(o: KubeObject): SyncPhase {
  return hookPhase(o) ?? 'Sync';
}

/** The phase of a hook; undefined for an object that is not a hook. */
function hookPhase(o: KubeObject): SyncPhase | undefined {
  const hook = annotation(o, HOOK_ANNOTATIONS);
  if (hook) {
    const first = hook.value.split(',')[0].trim();
    const phase = HOOK_VALUES.find((v) => v === first);
    if (phase) return phase;
  }
  const helm = o.metadata.annotations?.[HELM_HOOK_ANNOTATION];
  if (helm !== undefined) {
    const phases = helm
      .split(',')
      .map((h) => HELM_HOOKS[h.trim()])
      .filter(Boolean);
    if (phases.length) return phases[0];
  }
  return undefined;
}

/**
 * How a hook runs, from its delete policies (Boreas's, Argo CD's or Helm's annotation; without one,
 * BeforeHookCreation); undefined for an object that is not a hook.
 */
export function hookPolicy(o: KubeObject): HookPolicy | undefined {
  if (!hookPhase(o)) return undefined;
  const own = annotation(o, HOOK_DELETE_POLICY_ANNOTATIONS);
  const helm = o.metadata.annotations?.[HELM_HOOK_DELETE_POLICY_ANNOTATION];
  const policies = new Set<HookDeletePolicy>();
  const names = own ? own.value.split(',').map((p) => HOOK_DELETE_POLICIES.find((known) => known === p.trim())) : [];
  const helmNames = !own && helm !== undefined ? helm.split(',').map((p) => HELM_HOOK_DELETE_POLICIES[p.trim()]) : [];
  for (const p of [...names, ...helmNames]) if (p) policies.add(p);
  if (policies.size === 0) policies.add('BeforeHookCreation');
  return { recreate: policies.has('BeforeHookCreation'), deleteOnSuccess: policies.has('HookSucceeded'), deleteOnFailure: policies.has('HookFailed') };
}

/**
 * For objects in apply order keys (phase, wave), the ids each must wait for: every object of the
 * closest earlier step. Returns one list per input, same order.
 */
export function stepDependencies(items: { id: string; obj: KubeObject }[]): string[][] {
  const key = (o: KubeObject) => phaseRank[syncPhase(o)] * 1e9 + syncWave(o);
  const steps = [...new Set(items.map((i) => key(i.obj)))].sort((a, b) => a - b);
  const byStep = new Map<number, string[]>();
  for (const i of items) (byStep.get(key(i.obj)) ?? byStep.set(key(i.obj), []).get(key(i.obj))!).push(i.id);
  return items.map((i) => {
    const at = steps.indexOf(key(i.obj));
    return at > 0 ? [...byStep.get(steps[at - 1])!] : [];
  });
}
