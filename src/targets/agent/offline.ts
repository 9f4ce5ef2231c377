// Node liveness and reported facts, kept in the store so placement (engine/plan-pass.ts), the edge
// graph and status can read them: kv nodes/offline (JSON array of nodes that did not answer their
// last observe) and nodes/facts:<node>. Synchronous read-modify-write: the store is SQLite in this
// process, so concurrent observes of different nodes cannot interleave.
import type { Store } from '../../store/store.js';
import type { NodeFacts } from '../../agent/facts.js';
import type { NginxNodeFacts } from '../nginx/facts.js';

/** Records a node as online (answered) or offline (unreachable). */
export function markNode(store: Store, node: string, online: boolean): void {
  const offline = new Set<string>(JSON.parse(store.getKv('nodes', 'offline') ?? '[]'));
  if (online === !offline.has(node)) return; // already recorded that way: no write
  if (online) offline.delete(node);
  else offline.add(node);
  store.setKv('nodes', 'offline', JSON.stringify([...offline].sort()));
}

/** Stores the facts a node reported (nginx settings, runtimes); writes only when they changed. */
export function rememberFacts(store: Store, node: string, facts: NodeFacts | undefined): void {
  if (!facts) return;
  const text = JSON.stringify(facts);
  if (store.getKv('nodes', `facts:${node}`) !== text) store.setKv('nodes', `facts:${node}`, text);
}

/** The nginx facts nodes reported on their last observe: the engine's `nodeFacts` lookup. */
export function reportedNginxFacts(store: Store): (node: string) => NginxNodeFacts | undefined {
  return (node) => {
    const raw = store.getKv('nodes', `facts:${node}`);
    return raw ? (JSON.parse(raw) as NodeFacts).nginx : undefined;
  };
}

export function offlineNodes(store: Store): string[] {
  return JSON.parse(store.getKv('nodes', 'offline') ?? '[]') as string[];
}
