// Finding the live objects of many desired ones cheaply: one LIST per kind and namespace (the
// Boreas-labelled objects), then the few still missing by GET, or, when many are missing (a first
// run), one unfiltered LIST; GETs only when LIST is forbidden. Kinds the cluster does not serve are
// remembered, so the target can say which objects are blocked rather than absent.
import type { KubeObject } from '../../model/kube-object.js';
import type { Json } from '../../model/resource.js';
import type { KubeClient, Live } from './client.js';
import { CONCURRENCY, MANAGED_SELECTOR } from './constants.js';
import { isForbidden, NotServedError } from './errors.js';
import { mapLimit } from './pool.js';

/** Up to this many unlabelled objects of one kind and namespace are looked up by GET, not LIST. */
const FEW = 3;

export interface LiveObjects {
  /** Live object per resource id (absent: not found). */
  live: Map<string, Live>;
  /** `apiVersion|kind` of the kinds the cluster does not serve. */
  unserved: Set<string>;
}

export const kindKey = (o: Pick<KubeObject, 'apiVersion' | 'kind'>) => `${o.apiVersion}|${o.kind}`;

/** The live objects of `objects` (id → desired object); throws what the cluster answered when it could not be asked. */
export async function fetchLive(client: KubeClient, objects: Map<string, KubeObject>): Promise<LiveObjects> {
  const groups = new Map<string, [string, KubeObject][]>();
  for (const [id, o] of objects) {
    const k = `${o.apiVersion}|${o.kind}|${o.metadata.namespace ?? ''}`;
    (groups.get(k) ?? groups.set(k, []).get(k)!).push([id, o]);
  }
  const out: LiveObjects = { live: new Map(), unserved: new Set() };
  const toGet: [string, KubeObject][] = [];
  const list = async (apiVersion: string, kind: string, ns: string, selector: string | undefined): Promise<Live[] | undefined> => {
    try {
      return await client.list(apiVersion, kind, ns || undefined, selector);
    } catch (err) {
      if (!(err instanceof NotServedError)) throw err;
      out.unserved.add(`${apiVersion}|${kind}`);
      return undefined;
    }
  };
  await mapLimit([...groups], CONCURRENCY, async ([k, members]) => {
    const [apiVersion, kind, ns] = k.split('|');
    const take = (items: Live[]) => {
      const byName = new Map(items.map((i) => [nameOf(i), i]));
      for (const [id, o] of members) {
        const found = byName.get(o.metadata.name);
        if (found) out.live.set(id, found);
      }
      return members.filter(([id]) => !out.live.has(id));
    };
    let labelled: Live[] | undefined;
    try {
      labelled = await list(apiVersion, kind, ns, MANAGED_SELECTOR);
    } catch (err) {
      if (!isForbidden(err)) throw err;
      toGet.push(...members); // RBAC may allow get but not list
      return;
    }
    if (!labelled) return; // kind not served: nothing of it can exist
    let missing = take(labelled);
    // Objects without the Boreas label (never applied, adopted, relabelled by hand) are still found
    // by name: a few by GET, many (typically the first run) by one unfiltered LIST.
    if (missing.length > FEW) {
      const all = await list(apiVersion, kind, ns, undefined);
      if (all) {
        take(all);
        missing = []; // after a full LIST, whatever is still missing does not exist
      }
    }
    toGet.push(...missing);
  });
  await mapLimit(toGet, CONCURRENCY, async ([id, o]) => {
    try {
      const found = await client.get(o);
      if (found) out.live.set(id, found);
    } catch (err) {
      if (!(err instanceof NotServedError)) throw err;
      out.unserved.add(kindKey(o));
    }
  });
  return out;
}

function nameOf(o: Live): string {
  const md: Json | undefined = o.metadata;
  return md && typeof md === 'object' && !Array.isArray(md) ? String(md.name) : '';
}
