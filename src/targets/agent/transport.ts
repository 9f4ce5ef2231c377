// How the agent target reaches a node: push (HTTP to the agent's API), pull (tasks queued on the
// controller, taken by the agent's poll loop; the daemon's PullHub), or loopback (the agent's own
// handlers called in this process: the local target). All three carry the same wire task and return
// the same result, so the target above them does not know which one it uses.
import { randomUUID } from 'node:crypto';
import { defaultNginxFacts } from '../../model/edge-specs.js';
import type { NodeFacts } from '../../protocol/facts.js';
import type { ObserveItem, ObserveResponse } from '../../protocol/observe.js';
import type { AgentTask, AgentTaskResult } from '../../protocol/tasks.js';
import { AgentUnreachable, type AgentClient } from './client.js';

export interface AgentTransport {
  /** The node's facts; throws AgentUnreachable / AgentHttpError when it cannot answer. */
  facts(): Promise<NodeFacts>;
  observe(items: ObserveItem[]): Promise<Omit<ObserveResponse, 'node'>>;
  task(task: AgentTask): Promise<AgentTaskResult>;
  close(): Promise<void>;
}

/** Queues a task for a pull-mode node and resolves with its report (the daemon's PullHub). */
export interface PullDispatcher {
  dispatch(node: string, task: AgentTask, timeoutMs?: number): Promise<AgentTaskResult>;
  /** The node's last heartbeat, when it polled recently enough to count as connected. */
  lastSeen(node: string): { at: number; facts?: NodeFacts } | undefined;
}

/** Push mode over `client`; `close` defaults to closing the client (a shared one passes its release). */
export function pushTransport(client: AgentClient, close: () => Promise<void> = () => client.close()): AgentTransport {
  return {
    facts: () => client.get<NodeFacts>('/v1/facts'),
    observe: (items) => client.post('/v1/observe', { resources: items }),
    task: (task) => client.post('/v1/tasks', task),
    close,
  };
}

export interface PullTransportOptions {
  /** A node whose agent does not take an observe within this time counts as unreachable. Default 15 s. */
  observeTimeoutMs?: number;
  /** Task timeout (the agent may be busy); default the dispatcher's. */
  taskTimeoutMs?: number;
  /** A node whose last poll is older than this is unreachable without asking. Default 60 s. */
  staleAfterMs?: number;
}

export function pullTransport(node: string, hub: PullDispatcher, opts: PullTransportOptions = {}): AgentTransport {
  // A node that has not polled recently is not waited for: its tasks would only time out.
  const connected = () => {
    const seen = hub.lastSeen(node);
    if (!seen || Date.now() - seen.at > (opts.staleAfterMs ?? 60_000)) {
      throw new AgentUnreachable(node, `node ${node} (pull mode) has not polled the controller${seen ? ` since ${new Date(seen.at).toISOString()}` : ''}`);
    }
    return seen;
  };
  return {
    async facts() {
      return connected().facts ?? { node, agentVersion: 'unknown', runtimes: [], nginx: defaultNginxFacts };
    },
    async observe(items) {
      connected();
      const task: AgentTask = { taskId: `observe-${randomUUID()}`, type: 'Observe', payload: { resources: items } };
      let r: AgentTaskResult;
      try {
        r = await hub.dispatch(node, task, opts.observeTimeoutMs ?? 15_000);
      } catch (err) {
        throw new AgentUnreachable(node, `node ${node} (pull mode) did not answer: ${(err as Error).message}`);
      }
      if (r.status !== 'succeeded') throw new Error(`node ${node}: observe failed: ${r.errorMessage ?? r.message}`);
      const { observations, facts } = r.details ?? {};
      if (!observations || !facts) throw new Error(`node ${node}: observe answered without observations`);
      return { observations, facts };
    },
    async task(task) {
      connected();
      try {
        return await hub.dispatch(node, task, opts.taskTimeoutMs);
      } catch (err) {
        throw new AgentUnreachable(node, `node ${node} (pull mode): ${(err as Error).message}`);
      }
    },
    close: async () => undefined,
  };
}
