// Health of a live object, one small function per kind (argo gitops-engine style). Rollout rules
// follow `kubectl rollout status`. Kinds without a built-in rule get the environment's declarative
// rules (`spec.kubernetes.health`) or else the generic one of custom resources (the kstatus
// conventions: observedGeneration, then Ready/Available conditions, Stalled = Degraded).
import type { Environment } from '../../model/manifest-types.generated.js';
import type { Health, Json } from '../../model/resource.js';

/** The environment's per-kind rules (schemas/environment.schema.json `spec.kubernetes.health`). */
export type HealthRules = NonNullable<NonNullable<Environment['spec']['kubernetes']>['health']>;

// biome-ignore lint/suspicious/noExplicitAny: live objects are untyped JSON read with optional chaining throughout
type Obj = Record<string, any>;

const healthy = (message = 'ready'): Health => ({ status: 'Healthy', level: 100, message });
const progressing = (message: string, done = 0, of = 1): Health => ({
  status: 'Progressing',
  level: Math.min(99, Math.floor((100 * done) / Math.max(of, 1))),
  message,
});
const degraded = (message: string): Health => ({ status: 'Degraded', level: 0, message });

export const missing: Health = { status: 'Missing', level: 0, message: 'not found on the cluster' };

function condition(obj: Obj, type: string): Obj | undefined {
  return (obj.status?.conditions as Obj[] | undefined)?.find((c) => c.type === type);
}

function observed(obj: Obj): boolean {
  return (obj.status?.observedGeneration ?? 0) >= (obj.metadata?.generation ?? 0);
}

function deployment(o: Obj): Health {
  if (o.spec?.paused) return { status: 'Suspended', level: 50, message: 'rollout paused' };
  if (!observed(o)) return progressing('waiting for the rollout to be observed');
  const p = condition(o, 'Progressing');
  if (p?.reason === 'ProgressDeadlineExceeded') return degraded(`rollout exceeded its progress deadline: ${p.message ?? ''}`.trim());
  const want = o.spec?.replicas ?? 1;
  const s = o.status ?? {};
  const updated = s.updatedReplicas ?? 0;
  const available = s.availableReplicas ?? 0;
  if (updated < want) return progressing(`${updated} of ${want} replicas updated`, updated, want);
  if ((s.replicas ?? 0) > updated) return progressing(`${(s.replicas ?? 0) - updated} old replicas pending termination`, updated, s.replicas);
  if (available < updated) return progressing(`${available} of ${updated} updated replicas available`, available, updated);
  return healthy(`${available} of ${want} replicas available`);
}

function statefulSet(o: Obj): Health {
  if (!observed(o)) return progressing('waiting for the rollout to be observed');
  const want = o.spec?.replicas ?? 1;
  const s = o.status ?? {};
  if ((s.readyReplicas ?? 0) < want) return progressing(`${s.readyReplicas ?? 0} of ${want} replicas ready`, s.readyReplicas ?? 0, want);
  if ((o.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' && s.updateRevision && s.currentRevision !== s.updateRevision) {
    return progressing(`${s.updatedReplicas ?? 0} of ${want} replicas updated`, s.updatedReplicas ?? 0, want);
  }
  return healthy(`${s.readyReplicas} of ${want} replicas ready`);
}

function daemonSet(o: Obj): Health {
  if (!observed(o)) return progressing('waiting for the rollout to be observed');
  const s = o.status ?? {};
  const want = s.desiredNumberScheduled ?? 0;
  if ((s.updatedNumberScheduled ?? 0) < want)
    return progressing(`${s.updatedNumberScheduled ?? 0} of ${want} pods updated`, s.updatedNumberScheduled ?? 0, want);
  if ((s.numberAvailable ?? 0) < want) return progressing(`${s.numberAvailable ?? 0} of ${want} updated pods available`, s.numberAvailable ?? 0, want);
  return healthy(`${want} pods available`);
}

function job(o: Obj): Health {
  if (condition(o, 'Failed')?.status === 'True') return degraded(`job failed: ${condition(o, 'Failed')?.message ?? ''}`.trim());
  if (condition(o, 'Complete')?.status === 'True') return healthy('job complete');
  if (o.spec?.suspend) return { status: 'Suspended', level: 50, message: 'job suspended' };
  return progressing(`${o.status?.succeeded ?? 0} of ${o.spec?.completions ?? 1} completions`, o.status?.succeeded ?? 0, o.spec?.completions ?? 1);
}

/** A Pod that runs to completion (a hook, `restartPolicy: Never|OnFailure`) is healthy once Succeeded; others once Ready. */
function pod(o: Obj): Health {
  const phase = o.status?.phase;
  if (phase === 'Succeeded') return healthy('completed');
  if (phase === 'Failed') return degraded(`pod failed: ${o.status?.message ?? o.status?.reason ?? ''}`.trim());
  const runsToCompletion = (o.spec?.restartPolicy ?? 'Always') !== 'Always';
  if (!runsToCompletion && phase === 'Running' && condition(o, 'Ready')?.status === 'True') return healthy('running and ready');
  return progressing(`pod is ${phase ?? 'Pending'}${runsToCompletion ? ', waiting for it to complete' : ''}`);
}

function pvc(o: Obj): Health {
  const phase = o.status?.phase;
  if (phase === 'Bound') return healthy('bound');
  if (phase === 'Lost') return degraded('claim lost its volume');
  return progressing(`claim is ${phase ?? 'Pending'}`);
}

function crd(o: Obj): Health {
  return condition(o, 'Established')?.status === 'True' ? healthy('established') : progressing('waiting for the CRD to be established');
}

function service(o: Obj): Health {
  if (o.spec?.type !== 'LoadBalancer') return healthy('present');
  return o.status?.loadBalancer?.ingress?.length ? healthy('load balancer ready') : progressing('waiting for a load balancer address');
}

function ingress(o: Obj): Health {
  return o.status?.loadBalancer?.ingress?.length ? healthy('load balancer address assigned') : progressing('waiting for a load balancer address');
}

/** HorizontalPodAutoscaler (autoscaling/v2 conditions; v1 has none and is healthy once it reports). */
function hpa(o: Obj): Health {
  const failing = ((o.status?.conditions as Obj[] | undefined) ?? []).find(
    (c) => (c.type === 'AbleToScale' || c.type === 'ScalingActive') && c.status === 'False' && /^Failed/.test(String(c.reason ?? '')),
  );
  if (failing) return degraded(`${failing.type} is False (${failing.reason}): ${failing.message ?? ''}`.trim());
  if (o.status?.currentReplicas === undefined && !o.status?.conditions?.length) return progressing('waiting for the autoscaler to report');
  if (o.status?.observedGeneration !== undefined && !observed(o)) return progressing('waiting for the autoscaler to observe its spec');
  return healthy(`${o.status?.currentReplicas ?? 0} replicas (min ${o.spec?.minReplicas ?? 1}, max ${o.spec?.maxReplicas})`);
}

function pdb(o: Obj): Health {
  if (!observed(o)) return progressing('waiting for the budget to be observed');
  const s = o.status ?? {};
  if (s.desiredHealthy === undefined) return progressing('waiting for the budget to be computed');
  if ((s.currentHealthy ?? 0) < s.desiredHealthy)
    return progressing(`${s.currentHealthy ?? 0} of ${s.desiredHealthy} pods healthy that the budget needs`, s.currentHealthy ?? 0, s.desiredHealthy);
  return healthy(`${s.currentHealthy} pods healthy, ${s.disruptionsAllowed ?? 0} disruption(s) allowed`);
}

/**
 * Custom resources: Progressing while the controller has not observed the latest generation; then
 * Stalled/Failed=True is Degraded, Ready (else Available) decides; no such condition: present is
 * enough (nothing better is known).
 */
function custom(o: Obj): Health {
  if (o.status?.observedGeneration !== undefined && !observed(o))
    return progressing(`waiting for the controller to observe generation ${o.metadata?.generation}`);
  for (const type of ['Stalled', 'Failed']) {
    const c = condition(o, type);
    if (c?.status === 'True') return degraded(`${type}: ${c.message ?? c.reason ?? ''}`.trim());
  }
  const ready = condition(o, 'Ready') ?? condition(o, 'Available');
  if (!ready) return healthy('present (no Ready or Available condition)');
  const why = `${ready.type} is ${ready.status}${ready.reason ? ` (${ready.reason})` : ''}${ready.message ? `: ${ready.message}` : ''}`;
  if (ready.status === 'True') return healthy(ready.message ? `${ready.type}: ${ready.message}` : String(ready.type).toLowerCase());
  return progressing(why);
}

const rules: Record<string, (o: Obj) => Health> = {
  'apps/Deployment': deployment,
  'apps/StatefulSet': statefulSet,
  'apps/DaemonSet': daemonSet,
  'batch/Job': job,
  '/PersistentVolumeClaim': pvc,
  '/Pod': pod,
  '/Service': service,
  'apiextensions.k8s.io/CustomResourceDefinition': crd,
  'networking.k8s.io/Ingress': ingress,
  'autoscaling/HorizontalPodAutoscaler': hpa,
  'policy/PodDisruptionBudget': pdb,
};

/** Core and built-in groups: kinds there without a rule are healthy once present (ConfigMap, Role...). */
const builtinGroup = (g: string) => g === '' || (g.endsWith('.k8s.io') && !g.includes('.x-k8s.io')) || !g.includes('.');

/** Health of a live object (plain JSON); undefined object = Missing. Environment rules win over built-in ones. */
export function healthOf(obj: Record<string, Json> | undefined, envRules: HealthRules = []): Health {
  if (!obj) return missing;
  const apiVersion = String(obj.apiVersion ?? '');
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  const declared = envRules.find((r) => (r.group ?? '') === group && r.kind === obj.kind);
  if (declared) return declarative(obj as Obj, declared);
  const rule = rules[`${group}/${String(obj.kind)}`];
  if (rule) return rule(obj as Obj);
  return builtinGroup(group) ? healthy('present') : custom(obj as Obj);
}

/** An environment rule set: observedGeneration first (unless turned off), then the first matching rule. */
function declarative(o: Obj, r: HealthRules[number]): Health {
  if (r.observedGeneration !== false && o.status?.observedGeneration !== undefined && !observed(o))
    return progressing(`waiting for the controller to observe generation ${o.metadata?.generation}`);
  for (const rule of r.rules) {
    let message: string | undefined;
    if (rule.condition !== undefined) {
      const c = condition(o, rule.condition);
      if (!c || c.status !== (rule.status ?? 'True') || (rule.reason !== undefined && c.reason !== rule.reason)) continue;
      message = c.message ? `${c.type}: ${c.message}` : `${c.type} is ${c.status}`;
    }
    if (rule.field !== undefined) {
      const v = rule.field.split('.').reduce<unknown>((cur, k) => (cur && typeof cur === 'object' ? (cur as Obj)[k] : undefined), o);
      if (v === undefined || (rule.equals !== undefined && v !== rule.equals)) continue;
      message ??= `${rule.field} is ${JSON.stringify(v)}`;
    }
    return toHealth(rule.health, rule.message ?? message ?? `matched rule for ${r.kind}`);
  }
  return toHealth(r.default ?? 'Progressing', `no health rule of ${r.kind} matched yet`);
}

function toHealth(status: 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended', message: string): Health {
  const level = { Healthy: 100, Progressing: 0, Degraded: 0, Suspended: 50 }[status];
  return { status, level, message };
}
