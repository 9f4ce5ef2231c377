// The Kubernetes target of one environment (`kubernetes:<env>`): observe = list/get live objects and
// detect drift with a server-side dry-run; apply = server-side apply, replace or delete; health =
// rollout rules; watch = live drift between resyncs. Objects of kinds the cluster does not serve are
// blocked, objects another owner manages are reported as such (ownership.ts).
import type { KubeObject } from '../../model/kube-object.js';
import type { Task, TaskResult } from '../../model/plan.js';
import type { DesiredResource, Health, ObservedResource } from '../../model/resource.js';
import type { JsonObject } from '../../model/json.js';
import { describeOwner, unknownObservation } from '../../model/resource.js';
import { resolveKubeRefs } from '../../secrets/kube.js';
import type { Reachability, Target, TargetContext, WatchListener } from '../target.js';
import { describeApplyError } from './apply-errors.js';
import { type KubeClient, type Live, unknownCauseOf } from './client.js';
import { CONCURRENCY, REPLACE_DELETE_TIMEOUT_MS, SPEC_HASH_ANNOTATION, STATE_ID_LABEL } from './constants.js';
import { containsAll, driftPaths, liveView } from './drift.js';
import { apiErrorMessage, isTransient, NotServedError } from './errors.js';
import { type HealthRules, healthOf, missing } from './health.js';
import { fetchLive, kindKey } from './live-objects.js';
import { foreignOwner } from './ownership.js';
import { mapLimit } from './pool.js';
import { immutableFields, replaceAllowed, replaceHint } from './replace.js';
import { watchLive } from './watch.js';

const specOf = (r: DesiredResource): KubeObject => {
  if (r.kind !== 'KubeObject') throw new Error(`kubernetes targets do not serve ${r.kind} resources (${r.id})`);
  return r.spec;
};
const labelOf = (o: KubeObject) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
const metadataOf = (o: Live | undefined): JsonObject => {
  const md = o?.metadata;
  return md && typeof md === 'object' && !Array.isArray(md) ? md : {};
};
const writeDetails = (res: Live) => {
  const md = metadataOf(res);
  return { uid: md.uid ?? null, resourceVersion: md.resourceVersion ?? null, generation: md.generation ?? null };
};

export interface KubernetesTargetOptions {
  /** Health rules of the environment (`spec.kubernetes.health`), tried before the built-in ones. */
  rules?: HealthRules;
  /** The environment's `replaceOnImmutable`: delete and re-create on immutable-field refusals. */
  replaceOnImmutable?: boolean;
  /** Id of this state file, put on every object applied (undefined in a read-only run before the first reconcile). */
  stateId?: string;
}

export class KubernetesTarget implements Target {
  readonly kinds = ['KubeObject'] as const;
  /** The environment name; messages say `cluster <env>`. */
  private readonly environment: string;

  constructor(
    readonly key: string,
    private readonly client: KubeClient,
    private readonly ctx: Pick<TargetContext, 'resolveSecret'>,
    private readonly opts: KubernetesTargetOptions = {},
  ) {
    this.environment = key.slice('kubernetes:'.length);
  }

  private get subject(): string {
    return `cluster ${this.environment}`;
  }

  async probe(): Promise<Reachability> {
    try {
      await this.client.version();
      return { reachable: true, facts: {} };
    } catch (err) {
      return { reachable: false, cause: unknownCauseOf(this.subject, err) };
    }
  }

  /**
   * Live objects by LIST (live-objects.ts). An object whose kind the cluster does not serve, and
   * whose CRD is not among the objects given, is blocked. For each object whose recorded spec hash
   * matches Git: when the live object already holds every field Boreas applies, it is in sync without
   * further requests; otherwise a server-side dry-run apply is compared with the live object
   * (differences = drift, so server defaults and normalisation never count). Objects with another
   * hash are going to be updated anyway: only those that may be replaced get a dry-run, to find out
   * whether the change needs one.
   */
  async observe(resources: DesiredResource[]): Promise<ObservedResource[]> {
    let found: Awaited<ReturnType<typeof fetchLive>>;
    try {
      found = await fetchLive(this.client, new Map(resources.map((r) => [r.id, specOf(r)])));
    } catch (err) {
      const cause = unknownCauseOf(this.subject, err);
      return resources.map((r) => unknownObservation(r.id, cause));
    }
    const definedHere = crdKinds(resources);
    return mapLimit(resources, CONCURRENCY, async (r): Promise<ObservedResource> => {
      const o = specOf(r);
      const obj = found.live.get(r.id);
      if (!obj) {
        if (!found.unserved.has(kindKey(o)) || definedHere.has(groupKind(o))) return { id: r.id, state: 'absent', health: missing };
        const blocked = new NotServedError(o.kind, o.apiVersion, this.environment).message;
        return { id: r.id, state: 'absent', health: { ...missing, message: blocked }, blocked };
      }
      const md = metadataOf(obj);
      const annotations = md.annotations;
      const appliedHash = annotations && typeof annotations === 'object' && !Array.isArray(annotations) ? annotations[SPEC_HASH_ANNOTATION] : undefined;
      const observed: ObservedResource = {
        id: r.id,
        state: 'present',
        appliedHash: typeof appliedHash === 'string' ? appliedHash : undefined,
        health: healthOf(obj, this.opts.rules),
        fingerprint: `${String(md.uid)}:${String(md.generation ?? 0)}`,
        details: writeDetails(obj),
      };
      const owner = foreignOwner(obj, o, this.opts.stateId);
      if (owner) observed.ownedBy = owner;
      // A lost hash annotation (edited away) is checked too: the planner then trusts the inventory's hash.
      if (observed.appliedHash === undefined || observed.appliedHash === r.hash) {
        let seen: Awaited<ReturnType<typeof this.drift>>;
        try {
          seen = await this.drift(r, obj);
        } catch (err) {
          // The dry-run could not be answered (a 5xx, a timeout): whether it drifted is not known.
          return unknownObservation(r.id, unknownCauseOf(this.subject, err));
        }
        if (seen.drift) {
          observed.drift = seen.drift;
          observed.appliedSpec = liveView(obj, o) ?? undefined;
        }
        if (seen.replace) observed.replace = seen.replace;
      } else if (replaceAllowed(o, !!this.opts.replaceOnImmutable)) {
        const replace = await this.needsReplace(r);
        if (replace) observed.replace = replace;
      }
      return observed;
    });
  }

  async apply(task: Task, signal?: AbortSignal): Promise<TaskResult> {
    const obj = specOf(task.resource);
    const who = { label: labelOf(obj), origin: task.resource.origin };
    try {
      if (task.action === 'delete') return await this.remove(obj, signal);
      const prepared = await this.prepare(task.resource);
      if (task.action === 'replace') return await this.replace(obj, prepared, undefined, signal);
      // An ensure: an object already holding every field Boreas applies is left alone (no write).
      const live = task.action === 'create' ? undefined : await this.client.get(obj, signal);
      const owner = live && task.action !== 'adopt' && !task.resource.adopt ? foreignOwner(live, obj, this.opts.stateId) : undefined;
      if (owner && owner.by !== 'application')
        return {
          outcome: 'failed',
          message: `${who.label}: owned by ${describeOwner(owner)}; not taken over (set kubernetes.adopt: true in its Application to take it over)`,
        };
      if (live && containsAll(live, prepared)) return { outcome: 'unchanged', message: `${labelOf(obj)} unchanged` };
      let res: Live;
      try {
        res = await this.client.apply(prepared, false, signal);
      } catch (err) {
        const fields = immutableFields(err);
        if (!fields) throw err;
        if (live && replaceAllowed(obj, !!this.opts.replaceOnImmutable)) return await this.replace(obj, prepared, live, signal);
        return { outcome: 'failed', message: `${describeApplyError(err, obj, who)}; ${replaceHint(this.environment)}` };
      }
      return {
        outcome: task.action === 'create' ? 'created' : 'configured',
        message: `${task.action === 'adopt' ? 'adopted' : 'applied'} ${labelOf(obj)}`,
        details: writeDetails(res),
      };
    } catch (err) {
      // Thrown, not reported: the engine retries a thrown error with backoff; a 'failed' outcome is final.
      if (isTransient(err)) throw new Error(describeApplyError(err, obj, who));
      return { outcome: 'failed', message: describeApplyError(err, obj, who) };
    }
  }

  async health(resource: DesiredResource): Promise<Health> {
    try {
      return healthOf(await this.client.get(specOf(resource)), this.opts.rules);
    } catch (err) {
      if (err instanceof NotServedError) return { ...missing, message: err.message };
      return { status: 'Unknown', level: 0, message: apiErrorMessage(err) };
    }
  }

  /**
   * Live drift of these objects between resyncs (watch.ts), compared with them as applied; runs until
   * `signal` aborts. Sync hooks are left out: the sync itself creates and deletes them (delete
   * policies, re-runs), so their comings and goings are not drift.
   */
  async watch(resources: DesiredResource[], listener: WatchListener, signal: AbortSignal): Promise<void> {
    const applied = await Promise.all(resources.filter((r) => !r.hook).map((r) => this.prepare(r)));
    await watchLive(this.client, applied, { onDrift: (r) => listener.drift(r), onError: (m) => listener.error?.(m), signal, subject: this.subject });
  }

  /** Deletes in the background; an object another owner manages now is only forgotten, not deleted. */
  private async remove(obj: KubeObject, signal: AbortSignal | undefined): Promise<TaskResult> {
    let existed: boolean;
    try {
      const live = await this.client.get(obj, signal);
      const owner = live ? foreignOwner(live, obj, this.opts.stateId) : undefined;
      if (owner && owner.by !== 'application') return { outcome: 'deleted', message: `${labelOf(obj)} left in place: owned by ${describeOwner(owner)} now` };
      existed = !!live && (await this.client.delete(obj, signal));
    } catch (err) {
      if (!(err instanceof NotServedError)) throw err;
      existed = false; // its kind is gone (CRD deleted): so is the object
    }
    return { outcome: 'deleted', message: existed ? `deleted ${labelOf(obj)}` : `${labelOf(obj)} was already absent` };
  }

  /** Delete, wait until it is gone, create again: the only way to change an immutable field (or to re-run a hook). */
  private async replace(obj: KubeObject, prepared: KubeObject, live: Live | undefined, signal: AbortSignal | undefined): Promise<TaskResult> {
    const current = live ?? (await this.client.get(obj, signal));
    if (current) {
      await this.client.delete(obj, signal);
      if (!(await this.client.waitGone(obj, metadataOf(current).uid, REPLACE_DELETE_TIMEOUT_MS, signal)))
        return {
          outcome: 'failed',
          message: `${labelOf(obj)}: deleted to be re-created, but still there after ${REPLACE_DELETE_TIMEOUT_MS / 1000}s (finalizers?)`,
        };
    }
    const res = await this.client.apply(prepared, false, signal);
    return { outcome: 'configured', message: `replaced ${labelOf(obj)} (deleted and created again)`, details: writeDetails(res) };
  }

  /** The object as sent: env references resolved, spec hash annotated, owner labelled. Never stored. */
  private async prepare(r: DesiredResource): Promise<KubeObject> {
    const obj = structuredClone(specOf(r));
    obj.metadata.annotations = { ...obj.metadata.annotations, [SPEC_HASH_ANNOTATION]: r.hash };
    // A Namespace may be shared by several installations: labelling it would make them fight over the label.
    if (this.opts.stateId && obj.kind !== 'Namespace') obj.metadata.labels = { ...obj.metadata.labels, [STATE_ID_LABEL]: this.opts.stateId };
    await resolveKubeRefs(obj, (s) => this.ctx.resolveSecret(s));
    return obj;
  }

  /** Drift of an object whose spec did not change, and whether repairing it needs a replace; throws what is not the server's verdict (isTransient). */
  private async drift(r: DesiredResource, live: Live): Promise<{ drift?: string[]; replace?: string }> {
    try {
      const config = await this.prepare(r);
      if (containsAll(live, config)) return {};
      const dry = await this.client.apply(config, true);
      const paths = driftPaths(live, dry, config);
      return paths.length ? { drift: paths.map((p) => `${p} changed on the cluster`) } : {};
    } catch (err) {
      if (isTransient(err)) throw err;
      const fields = immutableFields(err);
      const drift = [`dry-run apply failed: ${describeApplyError(err, specOf(r), { label: labelOf(specOf(r)), origin: r.origin })}`];
      return fields && replaceAllowed(specOf(r), !!this.opts.replaceOnImmutable)
        ? { drift, replace: `${fields.join(', ')} cannot change in place` }
        : { drift };
    }
  }

  /** For a changed object that may be replaced: whether the server refuses the change in place (a dry-run). */
  private async needsReplace(r: DesiredResource): Promise<string | undefined> {
    try {
      await this.client.apply(await this.prepare(r), true);
      return undefined;
    } catch (err) {
      const fields = immutableFields(err);
      return fields ? `${fields.join(', ')} cannot change in place` : undefined;
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

const groupKind = (o: Pick<KubeObject, 'apiVersion' | 'kind'>) => `${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}/${o.kind}`;

/** `group/Kind` of the custom resources the CRDs among these objects define (they are served once applied). */
function crdKinds(resources: DesiredResource[]): Set<string> {
  const out = new Set<string>();
  for (const r of resources) {
    const o = specOf(r);
    if (o.kind !== 'CustomResourceDefinition') continue;
    const spec = o.spec;
    if (!spec || typeof spec !== 'object' || Array.isArray(spec)) continue;
    const names = spec.names;
    const kind = names && typeof names === 'object' && !Array.isArray(names) ? names.kind : undefined;
    if (typeof spec.group === 'string' && typeof kind === 'string') out.add(`${spec.group}/${kind}`);
  }
  return out;
}
