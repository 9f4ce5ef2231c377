// Node liveness at planning time. Placement runs before observe, so without a fresh check it would
// use the previous pass's view: a node that was down then and is back now would lose its instances
// (moved away, then deleted on the returning node). One open `GET /v1/health` per node, concurrently,
// with a short timeout, refreshes nodes/offline right before the desired graph is built.
import { request } from 'undici';
import type { Store } from '../../store/store.js';
import { markNode } from './offline.js';

export interface NodeAddress {
  name: string;
  /** host:port of the agent; nodes without one (pull mode) are left as they are. */
  address?: string;
}

/** Probes every node's `/v1/health`; records each as online/offline; returns the offline names. */
export async function refreshNodeLiveness(store: Store, nodes: NodeAddress[], timeoutMs = 2000): Promise<string[]> {
  const results = await Promise.all(
    nodes
      .filter((n) => n.address)
      .map(async (n) => {
        try {
          const res = await request(`http://${n.address}/v1/health`, {
            method: 'GET',
            headersTimeout: timeoutMs,
            bodyTimeout: timeoutMs,
            signal: AbortSignal.timeout(timeoutMs),
          });
          await res.body.dump();
          return [n.name, res.statusCode === 200] as const;
        } catch {
          return [n.name, false] as const;
        }
      }),
  );
  for (const [name, online] of results) markNode(store, name, online);
  return results.filter(([, online]) => !online).map(([name]) => name);
}
