// Sync state and drift of one applied resource, from its inventory row and what its target says now.
// Pure: the same rules serve `boreas status`, the daemon's API and the dashboard.
import type { InventoryItem } from '../model/inventory.js';
import type { HealthStatus, ObservedResource } from '../model/resource.js';
import type { DriftItem, SyncState } from '../model/status.js';

/** The sync state of one resource, with the reason when it is not in sync. */
export function resourceSync(item: InventoryItem, o: ObservedResource | undefined): { sync: SyncState; message?: string } {
  if (!o) return { sync: 'unknown', message: 'not observed yet' };
  if (o.state === 'unknown') return { sync: 'unknown', message: o.cause?.message ?? o.health.message ?? 'its target did not answer' };
  if (o.state === 'absent') return { sync: 'missing', message: o.drift?.join('; ') || o.health.message || 'not there' };
  if (o.drift?.length) return { sync: 'drifted', message: o.drift.join('; ') };
  if (o.appliedHash && o.appliedHash !== item.appliedHash) return { sync: 'drifted', message: 'runs a spec other than the one last applied' };
  return { sync: 'in-sync' };
}

/** Missing outranks drifted (a known fact), drifted outranks unknown; in sync only when all are. */
const syncRank: Record<SyncState, number> = { 'in-sync': 0, unknown: 1, drifted: 2, missing: 3 };

export function worstSync(states: SyncState[]): SyncState {
  return states.reduce<SyncState>((worst, s) => (syncRank[s] > syncRank[worst] ? s : worst), 'in-sync');
}

/** Health statuses from worst to best: the app shows the worst of its instances. */
const healthOrder: HealthStatus[] = ['Degraded', 'Missing', 'Unknown', 'Progressing', 'Suspended', 'Healthy'];

/** Worst instance health status; `Missing` when there is no instance at all. */
export function worstHealth(statuses: HealthStatus[]): HealthStatus {
  if (statuses.length === 0) return 'Missing';
  return healthOrder.find((h) => statuses.includes(h)) ?? 'Unknown';
}

/** A drift row for a resource that is not in sync. */
export function driftItem(item: InventoryItem, sync: Exclude<SyncState, 'in-sync'>, message: string): DriftItem {
  return { resource: item.resource.id, kind: item.resource.kind, name: item.resource.name, state: sync, message };
}
