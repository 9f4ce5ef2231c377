// The prune inventory (what Boreas applied and has not deleted) and the cached observation.
// The observation cache is written only for rows whose content changed (compared as canonical JSON,
// so key order does not count): observing an unchanged world writes zero rows. An absent resource
// Boreas never applied (not in the inventory) is not cached: nothing reads it (status lists the
// inventory, an ingress only asks for health, which is 0 either way), and a first reconcile would
// otherwise write one row per resource just to say "not there yet".
import { redactForStorage } from '../at-rest.js';
import type { Database } from 'better-sqlite3';
import type { DesiredResource, ObservedResource } from '../../model/resource.js';
import type { InventoryItem } from '../../model/inventory.js';
import type { SyncStore } from './sync-store.js';
import { hash } from 'node:crypto';
import { canonicalJson } from '../../util/hash.js';
import type { Clock, WriteCounter } from './write-counter.js';

type InventoryRow = { resource_id: string; applied_hash: string; revision: string; last_task_key: string; applied_at: string };

export function inventoryTable(
  db: Database,
  w: WriteCounter,
  now: Clock,
): Pick<SyncStore, 'listInventory' | 'recordApplied' | 'removeFromInventory' | 'saveObserved' | 'listObserved'> {
  // The stamp columns first; the resource JSON is fetched and parsed only for rows not seen yet with
  // the same stamp (a reconcile lists the inventory every pass: 10,000 JSON.parse calls otherwise).
  const selectAll = db.prepare('SELECT resource_id, applied_hash, revision, last_task_key, applied_at FROM inventory ORDER BY resource_id');
  const selectByTarget = db.prepare(
    'SELECT resource_id, applied_hash, revision, last_task_key, applied_at FROM inventory WHERE target = ? ORDER BY resource_id',
  );
  const selectResource = db.prepare('SELECT resource FROM inventory WHERE resource_id = ?').pluck();
  const parsed = new Map<string, { stamp: string; resource: DesiredResource }>();
  const upsertItem = db.prepare(`
    INSERT INTO inventory (resource_id, target, owner, resource, applied_hash, revision, last_task_key, applied_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT(resource_id) DO UPDATE SET target = excluded.target, owner = excluded.owner, resource = excluded.resource,
      applied_hash = excluded.applied_hash, revision = excluded.revision, last_task_key = excluded.last_task_key,
      applied_at = excluded.applied_at`);
  const deleteItem = db.prepare('DELETE FROM inventory WHERE resource_id = ?');
  const deleteObserved = db.prepare('DELETE FROM observed WHERE resource_id = ?');
  const upsertObserved = db.prepare(`
    INSERT INTO observed (resource_id, observation, changed_at) VALUES (?, ?, ?)
    ON CONFLICT(resource_id) DO UPDATE SET observation = excluded.observation, changed_at = excluded.changed_at
    WHERE observed.observation IS NOT excluded.observation`);
  const inInventory = db.prepare('SELECT 1 FROM inventory WHERE resource_id = ?').pluck();
  const selectObserved = db.prepare('SELECT observation FROM observed ORDER BY resource_id').pluck();

  // Memory of what this connection last read or wrote, so an unchanged world costs neither parsing
  // nor serialising: valid while no other connection committed (PRAGMA data_version moves only for
  // those) and reset by this connection's own writes to the rows concerned. Writes inside a caller's
  // transaction (which may still roll back) forget instead of remembering.
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  let seenVersion: unknown;
  let generation = 0;
  let listed: { generation: number; items: InventoryItem[] } | undefined;
  // Per resource: the text last saved as the target printed it, and a digest of its canonical form
  // (a digest, not the text: 10,000 observations would otherwise be held twice).
  const lastSaved = new Map<string, { plain: string; canonical: string }>();
  const fresh = (): void => {
    const v = dataVersion.get();
    if (v === seenVersion) return;
    seenVersion = v;
    listed = undefined;
    lastSaved.clear();
    parsed.clear();
  };
  const changedInventory = (id: string): void => {
    generation++;
    lastSaved.delete(id);
  };

  /** The resource of a row: parsed once per stamp (every write sets a new applied_at and task key). */
  const resourceOf = (row: InventoryRow): DesiredResource => {
    const stamp = `${row.applied_hash}\0${row.applied_at}\0${row.revision}\0${row.last_task_key}`;
    const hit = parsed.get(row.resource_id);
    if (hit?.stamp === stamp) return hit.resource;
    // Frozen: the same object is handed to every later caller, so none may change it.
    const resource = deepFreeze(JSON.parse(selectResource.get(row.resource_id) as string) as DesiredResource);
    parsed.set(row.resource_id, { stamp, resource });
    return resource;
  };

  const toItem = (row: InventoryRow): InventoryItem =>
    Object.freeze({
      resource: resourceOf(row),
      appliedHash: row.applied_hash,
      revision: row.revision,
      lastTaskKey: row.last_task_key,
      appliedAt: row.applied_at,
    });

  return {
    listInventory(target?: string): InventoryItem[] {
      fresh();
      if (target !== undefined) return (selectByTarget.all(target) as InventoryRow[]).map(toItem);
      if (listed?.generation !== generation) listed = { generation, items: (selectAll.all() as InventoryRow[]).map(toItem) };
      return [...listed.items];
    },
    recordApplied(resource: DesiredResource, taskKey: string, revision: string): void {
      changedInventory(resource.id);
      w.run(
        upsertItem,
        resource.id,
        resource.target,
        resource.owner,
        JSON.stringify(redactForStorage(resource)),
        resource.hash,
        revision,
        taskKey,
        now().toISOString(),
      );
    },
    removeFromInventory(resourceId: string): void {
      parsed.delete(resourceId);
      changedInventory(resourceId);
      // The cached observation of a deleted resource would show a ghost in `status`.
      db.transaction(() => {
        w.run(deleteItem, resourceId);
        w.run(deleteObserved, resourceId);
      })();
    },
    saveObserved(observed: ObservedResource[]): void {
      if (observed.length === 0) return;
      const at = now().toISOString();
      fresh();
      const remember = !db.inTransaction;
      if (!remember) lastSaved.clear();
      const seen: Array<[string, { plain: string; canonical: string }]> = [];
      db.transaction(() => {
        for (const o of observed) {
          // Same text as last time (the same target code prints keys in the same order): unchanged.
          const plain = JSON.stringify(o);
          const prev = lastSaved.get(o.id);
          if (prev?.plain === plain) continue;
          const text = canonicalJson(o);
          // One-shot digest (crypto.hash): a third of the cost of a Hash object per observation.
          const canonical = hash('sha256', text, 'base64');
          if (prev?.canonical !== canonical) {
            if (o.state === 'absent' && !inInventory.get(o.id)) w.run(deleteObserved, o.id);
            else w.run(upsertObserved, o.id, text, at);
          }
          seen.push([o.id, { plain, canonical }]);
        }
      })();
      // Only once committed: a rolled-back write must not be taken for saved.
      if (remember) for (const [id, v] of seen) lastSaved.set(id, v);
    },
    listObserved(): ObservedResource[] {
      return (selectObserved.all() as string[]).map((text) => JSON.parse(text) as ObservedResource);
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
