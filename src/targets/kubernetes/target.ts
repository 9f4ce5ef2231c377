// The Kubernetes target of one environment (`kubernetes:<env>`): observe = list/get live objects and
// detect drift with a server-side dry-run; apply = server-side apply or delete; health = rollout rules.
import type { KubeObject } from '../../model/kube-object.js';
import type { Task, TaskResult } from '../../model/plan.js';
import { type DesiredResource, type Health, type Json, type ObservedResource, unknownObservation } from '../../model/resource.js';
import type { Reachability, Target, TargetContext } from '../target.js';
import { describeApplyError } from './apply-errors.js';
import { type KubeClient, type Live, unknownCauseOf } from './client.js';
import { CONCURRENCY, MANAGED_SELECTOR, SPEC_HASH_ANNOTATION } from './constants.js';
import { containsAll, driftPaths, liveView } from './drift.js';
import { apiErrorMessage, isForbidden, NotServedError } from './errors.js';
import { type HealthRules, healthOf, missing } from './health.js';
import { mapLimit } from './pool.js';
import { resolveKubeRefs } from '../../secrets/kube.js';

const specOf = (r: DesiredResource): KubeObject => {
  if (r.kind !== 'KubeObject') throw new Error(`kubernetes targets do not serve ${r.kind} resources (${r.id})`);
  return r.spec;
};
const labelOf = (o: KubeObject) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

export class KubernetesTarget implements Target {
  readonly kinds = ['KubeObject'] as const;
  /** `cluster <env>`: what messages call this target. */
  private readonly subject: string;

  constructor(
    readonly key: string,
    private readonly client: KubeClient,
    private readonly ctx: Pick<TargetContext, 'resolveSecret'>,
    /** Health rules of the environment (`spec.kubernetes.health`), tried before the built-in ones. */
    private readonly rules: HealthRules = [],
  ) {
    this.subject = `cluster ${key.slice('kubernetes:'.length)}`;
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
   * One LIST per kind and namespace (Boreas-labelled objects); desired objects it did not return are
   * looked up by GET when few, else by one unfiltered LIST (a first run); GETs only when LIST is
   * forbidden. For each object whose recorded spec hash matches Git: when the live object
   * already holds every field Boreas applies, it is in sync without further requests; otherwise a
   * server-side dry-run apply is compared with the live object (differences = drift, so server
   * defaults and normalisation never count). Objects with another hash are going to be updated
   * anyway, so they cost nothing more.
   */
  async observe(resources: DesiredResource[]): Promise<ObservedResource[]> {
    let live: Map<string, Live | undefined>;
    try {
      live = await this.fetchLive(resources);
    } catch (err) {
      const cause = unknownCauseOf(this.subject, err);
      return resources.map((r) => unknownObservation(r.id, cause));
    }
    return mapLimit(resources, CONCURRENCY, async (r): Promise<ObservedResource> => {
      const obj = live.get(r.id);
      if (!obj) return { id: r.id, state: 'absent', health: missing };
      const md = (obj.metadata ?? {}) as Record<string, Json>;
      const appliedHash = (md.annotations as Record<string, string> | undefined)?.[SPEC_HASH_ANNOTATION];
      const observed: ObservedResource = {
        id: r.id,
        state: 'present',
        appliedHash,
        health: healthOf(obj, this.rules),
        fingerprint: `${String(md.uid)}:${String(md.generation ?? 0)}`,
        details: { uid: md.uid ?? null, resourceVersion: md.resourceVersion ?? null, generation: md.generation ?? null },
      };
      // A lost hash annotation (edited away) is checked too: the planner then trusts the inventory's hash.
      if (appliedHash === undefined || appliedHash === r.hash) {
        observed.drift = await this.drift(r, obj);
        if (observed.drift) observed.appliedSpec = liveView(obj, specOf(r) as unknown as Json) ?? undefined;
      }
      return observed;
    });
  }

  async apply(task: Task): Promise<TaskResult> {
    const obj = specOf(task.resource);
    try {
      if (task.action === 'delete') {
        const existed = await this.client.delete(obj).catch((err) => {
          if (err instanceof NotServedError) return false; // its kind is gone (CRD deleted): so is the object
          throw err;
        });
        return { outcome: 'deleted', message: existed ? `deleted ${labelOf(obj)}` : `${labelOf(obj)} was already absent` };
      }
      const prepared = await this.prepare(task.resource);
      // An ensure: an object already holding every field Boreas applies is left alone (no write).
      const live = task.action === 'create' ? undefined : await this.client.get(obj);
      if (live && containsAll(live, prepared as unknown as Json)) return { outcome: 'unchanged', message: `${labelOf(obj)} unchanged` };
      const res = await this.client.apply(prepared, false);
      const md = (res.metadata ?? {}) as Record<string, Json>;
      return {
        outcome: task.action === 'create' ? 'created' : 'configured',
        message: `applied ${labelOf(obj)}`,
        details: { uid: md.uid ?? null, resourceVersion: md.resourceVersion ?? null, generation: md.generation ?? null },
      };
    } catch (err) {
      return {
        outcome: 'failed',
        message: describeApplyError(err, obj as unknown as Record<string, Json>, { label: labelOf(obj), origin: task.resource.origin }),
      };
    }
  }

  async health(resource: DesiredResource): Promise<Health> {
    try {
      return healthOf(await this.client.get(specOf(resource)), this.rules);
    } catch (err) {
      if (err instanceof NotServedError) return { ...missing, message: err.message };
      return { status: 'Unknown', level: 0, message: apiErrorMessage(err) };
    }
  }

  /** The object as sent: env references resolved, spec hash annotated. Never stored. */
  private async prepare(r: DesiredResource): Promise<KubeObject> {
    const obj = structuredClone(specOf(r));
    obj.metadata.annotations = { ...obj.metadata.annotations, [SPEC_HASH_ANNOTATION]: r.hash };
    await resolveKubeRefs(obj as unknown as Record<string, Json>, (s) => this.ctx.resolveSecret(s));
    return obj;
  }

  private async drift(r: DesiredResource, live: Live): Promise<string[] | undefined> {
    try {
      const config = await this.prepare(r);
      if (containsAll(live, config as unknown as Json)) return undefined;
      const dry = await this.client.apply(config, true);
      const paths = driftPaths(live, dry, config as unknown as Live);
      return paths.length ? paths.map((p) => `${p} changed on the cluster`) : undefined;
    } catch (err) {
      return [`dry-run apply failed: ${describeApplyError(err, specOf(r) as unknown as Live, { label: labelOf(specOf(r)), origin: r.origin })}`];
    }
  }

  private async fetchLive(resources: DesiredResource[]): Promise<Map<string, Live | undefined>> {
    const groups = new Map<string, DesiredResource[]>();
    for (const r of resources) {
      const o = specOf(r);
      const k = `${o.apiVersion}|${o.kind}|${o.metadata.namespace ?? ''}`;
      (groups.get(k) ?? groups.set(k, []).get(k)!).push(r);
    }
    const found = new Map<string, Live | undefined>();
    const toGet: DesiredResource[] = [];
    await mapLimit([...groups], CONCURRENCY, async ([k, list]) => {
      const [apiVersion, kind, ns] = k.split('|');
      const take = (items: Live[]) => {
        const byName = new Map(items.map((i) => [String((i.metadata as Record<string, Json>).name), i]));
        for (const r of list) if (byName.has(specOf(r).metadata.name)) found.set(r.id, byName.get(specOf(r).metadata.name));
        return list.filter((r) => !found.has(r.id));
      };
      let labelled: Live[] | undefined;
      try {
        labelled = await this.listOrUndefined(apiVersion, kind, ns, MANAGED_SELECTOR);
      } catch (err) {
        if (!isForbidden(err)) throw err;
        toGet.push(...list); // RBAC may allow get but not list
        return;
      }
      if (!labelled) return; // kind not served (its CRD is not applied yet): nothing of it can exist
      let missing = take(labelled);
      // Objects without the Boreas label (never applied, adopted, relabelled by hand) are still found
      // by name: a few by GET, many (typically the first run) by one unfiltered LIST.
      if (missing.length > FEW) {
        const all = await this.listOrUndefined(apiVersion, kind, ns, undefined);
        if (all) {
          take(all);
          missing = []; // after a full LIST, whatever is still missing does not exist
        }
      }
      toGet.push(...missing);
    });
    await mapLimit(toGet, CONCURRENCY, async (r) => {
      try {
        found.set(r.id, await this.client.get(specOf(r)));
      } catch (err) {
        if (!(err instanceof NotServedError)) throw err;
      }
    });
    return found;
  }

  private async listOrUndefined(apiVersion: string, kind: string, ns: string, selector: string | undefined): Promise<Live[] | undefined> {
    try {
      return await this.client.list(apiVersion, kind, ns || undefined, selector);
    } catch (err) {
      if (err instanceof NotServedError) return undefined;
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** Up to this many unlabelled objects of one kind and namespace are looked up by GET, not LIST. */
const FEW = 3;
