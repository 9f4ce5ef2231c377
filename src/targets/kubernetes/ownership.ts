// Who owns a live object. Boreas labels what it applies with the application and the id of its state
// file (`boreas.dev/state-id`), so two installations (two state files) pointed at one cluster, or two
// applications of one installation, never silently take objects from each other: an object carrying
// another owner's labels is reported (ObservedResource.ownedBy) and the planner blocks it unless its
// application opts in to adopt it. Objects with no owner labels are taken over as before.
import { randomBytes } from 'node:crypto';
import type { KubeObject } from '../../model/kube-object.js';
import type { ForeignOwner, Json } from '../../model/resource.js';
import type { JsonObject } from '../../model/json.js';
import type { Store } from '../../store/store.js';
import { APPLICATION_LABEL, MANAGED_BY_LABEL, STATE_ID_LABEL } from './constants.js';

/** Store key/value place of this state file's id (created once, by the first run that may write). */
const KV_NAMESPACE = 'identity';
const KV_KEY = 'state-id';

/**
 * The id of this state file: 12 hex digits, made on first use unless `readOnly` (a `plan` before the
 * first reconcile has none yet: it then treats every object labelled with a state id as foreign).
 */
export async function stateIdOf(store: Pick<Store, 'getKv' | 'setKv'>, readOnly: boolean): Promise<string | undefined> {
  const known = await store.getKv(KV_NAMESPACE, KV_KEY);
  if (known || readOnly) return known;
  const made = randomBytes(6).toString('hex');
  await store.setKv(KV_NAMESPACE, KV_KEY, made);
  return made;
}

const labelsOf = (o: JsonObject): JsonObject => {
  const md = o.metadata;
  const labels = md && typeof md === 'object' && !Array.isArray(md) ? md.labels : undefined;
  return labels && typeof labels === 'object' && !Array.isArray(labels) ? labels : {};
};

/**
 * Another owner of `live`, if its labels name one: a tool (`app.kubernetes.io/managed-by` other than
 * boreas), another installation (another state id), or another application of this one. Namespaces
 * are shared by nature (several installations may deploy into one) and never reported.
 */
export function foreignOwner(live: Record<string, Json>, desired: KubeObject, stateId: string | undefined): ForeignOwner | undefined {
  if (desired.kind === 'Namespace') return undefined;
  const labels = labelsOf(live);
  const manager = labels[MANAGED_BY_LABEL];
  if (typeof manager === 'string' && manager !== desired.metadata.labels?.[MANAGED_BY_LABEL]) return { by: 'manager', name: manager };
  const state = labels[STATE_ID_LABEL];
  if (typeof state === 'string' && state !== stateId) return { by: 'installation', name: state };
  const app = labels[APPLICATION_LABEL];
  const mine = desired.metadata.labels?.[APPLICATION_LABEL];
  if (typeof app === 'string' && mine !== undefined && app !== mine) return { by: 'application', name: app };
  return undefined;
}
