// Moves: the same resource leaving one location for another is shown as one `move from → to`, never
// as an unrelated delete and create (which reads as "something was removed from Git"). Two shapes:
// - across targets: a delete and a create of one identity (the id without its target: `Instance/api-2`
//   on agent:node-3 and on agent:node-1, placement having moved it). Both changes stay (reconcile
//   still starts the new copy and stops the old one); they point at each other.
// - within a target: a resource whose location on the target changed while its id did not (a site's
//   config path, a certificate's file paths, after the edge settings changed in Git).
// Pure: it only annotates changes the planner made.
import type { InventoryItem } from '../model/inventory.js';
import type { Change, ChangeMove } from '../model/plan.js';
import type { DesiredResource } from '../model/resource.js';

/** Marks the moves among `changes` (in place) and returns them. */
export function markMoves(changes: Change[], inventory: Map<string, InventoryItem>): Change[] {
  const deletes = new Map<string, Change[]>();
  for (const c of changes) if (c.action === 'delete' && c.reason === 'Pruned') push(deletes, identity(c), c);
  for (const c of changes) {
    if (c.action === 'create' && c.reason === 'NotFound') {
      const gone = deletes.get(identity(c))?.shift();
      if (!gone) continue;
      const [from, to] = [gone.target, c.target];
      const why = c.kind === 'Instance' ? 'placement: a node cordoned, gone or no longer selected' : `no longer desired on ${from}`;
      moved(c, { from, to, counterpart: gone.id }, why);
      moved(gone, { from, to, counterpart: c.id }, `moved to ${to}: ${why}`);
      continue;
    }
    if (c.action !== 'update' && c.action !== 'repair') continue;
    const before = inventory.get(c.id)?.resource;
    const [from, to] = [before && locationOf(before), c.desired && locationOf(c.desired)];
    if (from && to && from !== to) moved(c, { from, to }, `its location on ${c.target} changed in Git`);
  }
  return changes.filter((c) => c.move);
}

function moved(c: Change, move: ChangeMove, message: string): void {
  c.reason = 'Moved';
  c.message = message;
  c.move = move;
}

/** What stays the same when a resource moves between targets: its id without the target prefix. */
function identity(c: Change): string {
  const local = c.id.startsWith(`${c.target}/`) ? c.id.slice(c.target.length + 1) : c.id;
  return `${c.owner}\0${local}`;
}

/** Where a resource lives on its target, for kinds whose id does not say it. */
function locationOf(r: DesiredResource): string | undefined {
  if (r.kind === 'NginxSite') return r.spec.targetPath;
  if (r.kind === 'CertificateFiles') return r.spec.certPath;
  return undefined;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
