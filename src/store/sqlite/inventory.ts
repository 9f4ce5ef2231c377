// The prune inventory (what Boreas applied and has not deleted) and the cached observation.
// The observation cache is written only for rows whose content changed (compared as canonical JSON,
// so key order does not count): observing an unchanged world writes zero rows.
import { redactForStorage } from '../at-rest.js';
import type { Database } from 'better-sqlite3';
import type { DesiredResource, ObservedResource } from '../../model/resource.js';
import type { InventoryItem } from '../../model/inventory.js';
import type { SyncStore } from './sync-store.js';
import { canonicalJson } from '../../util/hash.js';
import type { Clock, WriteCounter } from './write-counter.js';

type InventoryRow = { resource: string; applied_hash: string; revision: string; last_task_key: string; applied_at: string };

export function inventoryTable(
  db: Database,
  w: WriteCounter,
  now: Clock,
): Pick<SyncStore, 'listInventory' | 'recordApplied' | 'removeFromInventory' | 'saveObserved' | 'listObserved'> {
  const selectAll = db.prepare('SELECT * FROM inventory ORDER BY resource_id');
  const selectByTarget = db.prepare('SELECT * FROM inventory WHERE target = ? ORDER BY resource_id');
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
  const selectObserved = db.prepare('SELECT observation FROM observed ORDER BY resource_id').pluck();

  const toItem = (row: InventoryRow): InventoryItem => ({
    resource: JSON.parse(row.resource) as DesiredResource,
    appliedHash: row.applied_hash,
    revision: row.revision,
    lastTaskKey: row.last_task_key,
    appliedAt: row.applied_at,
  });

  return {
    listInventory(target?: string): InventoryItem[] {
      const rows = (target === undefined ? selectAll.all() : selectByTarget.all(target)) as InventoryRow[];
      return rows.map(toItem);
    },
    recordApplied(resource: DesiredResource, taskKey: string, revision: string): void {
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
      // The cached observation of a deleted resource would show a ghost in `status`.
      db.transaction(() => {
        w.run(deleteItem, resourceId);
        w.run(deleteObserved, resourceId);
      })();
    },
    saveObserved(observed: ObservedResource[]): void {
      if (observed.length === 0) return;
      const at = now().toISOString();
      db.transaction(() => {
        for (const o of observed) w.run(upsertObserved, o.id, canonicalJson(o), at);
      })();
    },
    listObserved(): ObservedResource[] {
      return (selectObserved.all() as string[]).map((text) => JSON.parse(text) as ObservedResource);
    },
  };
}
