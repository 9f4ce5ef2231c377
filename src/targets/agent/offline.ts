// Which nodes did not answer on their last observe, kept in the store (kv nodes/offline, a JSON array
// of names) so placement (engine/plan-pass.ts) and status can read it. Synchronous read-modify-write:
// the store is SQLite in this process, so concurrent observes of different nodes cannot interleave.
import type { Store } from '../../store/store.js';

/** Records a node as online (answered) or offline (unreachable). */
export function markNode(store: Store, node: string, online: boolean): void {
  const offline = new Set<string>(JSON.parse(store.getKv('nodes', 'offline') ?? '[]'));
  if (online === !offline.has(node)) return; // already recorded that way: no write
  if (online) offline.delete(node);
  else offline.add(node);
  store.setKv('nodes', 'offline', JSON.stringify([...offline].sort()));
}

export function offlineNodes(store: Store): string[] {
  return JSON.parse(store.getKv('nodes', 'offline') ?? '[]') as string[];
}
