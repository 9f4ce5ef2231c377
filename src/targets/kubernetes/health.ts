// Health of a live object, one small function per kind (argo gitops-engine style); kinds without a
// rule are healthy once present. Rollout rules follow `kubectl rollout status`.
import type { Health, Json } from '../../model/resource.js';

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

const rules: Record<string, (o: Obj) => Health> = {
  'apps/Deployment': deployment,
  'apps/StatefulSet': statefulSet,
  'apps/DaemonSet': daemonSet,
  'batch/Job': job,
  '/PersistentVolumeClaim': pvc,
  '/Service': service,
  'apiextensions.k8s.io/CustomResourceDefinition': crd,
};

/** Health of a live object (plain JSON); undefined object = Missing. */
export function healthOf(obj: Record<string, Json> | undefined): Health {
  if (!obj) return missing;
  const apiVersion = String(obj.apiVersion ?? '');
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  const rule = rules[`${group}/${String(obj.kind)}`];
  return rule ? rule(obj as Obj) : healthy('present');
}
