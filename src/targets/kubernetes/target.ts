// The Kubernetes target of one environment (`kubernetes:<env>`): observe = list/get live objects and
// detect drift with a server-side dry-run; apply = server-side apply or delete; health = rollout rules.
import { ApiException } from '@kubernetes/client-node';
import type { KubeObject } from '../../desired/kubernetes/object.js';
import type { Task, TaskResult } from '../../model/plan.js';
import type { DesiredResource, Health, Json, ObservedResource } from '../../model/resource.js';
import type { Target, TargetContext } from '../target.js';
import { apiErrorMessage, isNotFound, type KubeClient, type Live } from './client.js';
import { CONCURRENCY, MANAGED_SELECTOR, SPEC_HASH_ANNOTATION } from './constants.js';
import { containsAll, driftPaths, liveView } from './drift.js';
import { healthOf, missing } from './health.js';
import { mapLimit } from './pool.js';
import { resolveKubeRefs } from '../../secrets/kube.js';

const specOf = (r: DesiredResource) => r.spec as unknown as KubeObject;
const labelOf = (o: KubeObject) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

export class KubernetesTarget implements Target {
  constructor(
    readonly key: string,
    private readonly client: KubeClient,
    private readonly ctx: Pick<TargetContext, 'resolveSecret'>,
  ) {}

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
    const live = await this.fetchLive(resources);
    return mapLimit(resources, CONCURRENCY, async (r) => {
      const obj = live.get(r.id);
      if (!obj) return { id: r.id, exists: false, health: missing };
      const md = (obj.metadata ?? {}) as Record<string, Json>;
      const appliedHash = (md.annotations as Record<string, string> | undefined)?.[SPEC_HASH_ANNOTATION];
      const observed: ObservedResource = {
        id: r.id,
        exists: true,
        appliedHash,
        health: healthOf(obj),
        fingerprint: `${String(md.uid)}:${String(md.generation ?? 0)}`,
        details: { uid: md.uid ?? null, resourceVersion: md.resourceVersion ?? null, generation: md.generation ?? null },
      };
      // A lost hash annotation (edited away) is checked too: the planner then trusts the inventory's hash.
      if (appliedHash === undefined || appliedHash === r.hash) {
        observed.drift = await this.drift(r, obj);
        if (observed.drift) observed.appliedSpec = liveView(obj, r.spec) ?? undefined;
      }
      return observed;
    });
  }

  async apply(task: Task): Promise<TaskResult> {
    const obj = specOf(task.resource);
    try {
      if (task.action === 'delete') {
        const existed = await this.client.delete(obj);
        return { outcome: 'deleted', message: existed ? `deleted ${labelOf(obj)}` : `${labelOf(obj)} was already absent` };
      }
      const res = await this.client.apply(await this.prepare(task.resource), false);
      const md = (res.metadata ?? {}) as Record<string, Json>;
      return {
        outcome: task.action === 'create' ? 'created' : 'configured',
        message: `applied ${labelOf(obj)}`,
        details: { uid: md.uid ?? null, resourceVersion: md.resourceVersion ?? null, generation: md.generation ?? null },
      };
    } catch (err) {
      return { outcome: 'failed', message: `${labelOf(obj)}: ${apiErrorMessage(err)}` };
    }
  }

  async health(resource: DesiredResource): Promise<Health> {
    try {
      return healthOf(await this.client.get(specOf(resource)));
    } catch (err) {
      if (isNotServed(err)) return missing;
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
      const paths = driftPaths(live, dry);
      return paths.length ? paths.map((p) => `${p} changed on the cluster`) : undefined;
    } catch (err) {
      return [`dry-run apply failed: ${apiErrorMessage(err)}`];
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
    await mapLimit(toGet, CONCURRENCY, async (r) => found.set(r.id, await this.client.get(specOf(r))));
    return found;
  }

  private async listOrUndefined(apiVersion: string, kind: string, ns: string, selector: string | undefined): Promise<Live[] | undefined> {
    try {
      return await this.client.list(apiVersion, kind, ns || undefined, selector);
    } catch (err) {
      if (isNotServed(err)) return undefined;
      throw err;
    }
  }
}

/** Up to this many unlabelled objects of one kind and namespace are looked up by GET, not LIST. */
const FEW = 3;

function isForbidden(err: unknown): boolean {
  return err instanceof ApiException && err.code === 403;
}

/** The client throws a plain Error when discovery does not list the kind (e.g. CRD not applied). */
function isNotServed(err: unknown): boolean {
  return isNotFound(err) || (err instanceof Error && /Unrecognized API version and kind/.test(err.message));
}
