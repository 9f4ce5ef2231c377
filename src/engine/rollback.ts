// Where an automatic rollback returns to: the revision most of an application's resources were
// applied at before this run (from the inventory captured before execution), if its desired
// snapshot is in the store.
import type { InventoryItem } from '../model/inventory.js';
import type { Store } from '../store/store.js';

export async function rollbackTarget(inventoryBefore: Map<string, InventoryItem>, owner: string, store: Store): Promise<string | undefined> {
  const counts = new Map<string, number>();
  for (const item of inventoryBefore.values()) if (item.resource.owner === owner) counts.set(item.revision, (counts.get(item.revision) ?? 0) + 1);
  const [revision] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [];
  return revision && (await store.loadDesired(revision)) ? revision : undefined;
}
