// How the agent target reaches a node: push (HTTP to the agent's API) or pull (tasks queued on the
// controller, taken by the agent's poll loop; the daemon's PullHub). Both carry the same wire task
// and return the same result, so the target above them does not know which one it uses.
import { randomUUID } from 'node:crypto';
import type { ObserveItem } from '../../agent/observe.js';
import type { NodeFacts } from '../../agent/facts.js';
import type { AgentTask, AgentTaskResult } from '../../agent/tasks/types.js';
import type { ObservedResource } from '../../model/resource.js';
import { AgentUnreachable, type AgentClient } from './client.js';

export interface AgentTransport {
  observe(items: ObserveItem[]): Promise<{ observations: ObservedResource[]; facts?: NodeFacts }>;
  task(task: AgentTask): Promise<AgentTaskResult>;
  close(): Promise<void>;
}

/** Queues a task for a pull-mode node and resolves with its report (the daemon's PullHub.dispatch). */
export interface PullDispatcher {
  dispatch(node: string, task: AgentTask, timeoutMs?: number): Promise<AgentTaskResult>;
}

export function pushTransport(client: AgentClient): AgentTransport {
  return {
    observe: (items) => client.post('/v1/observe', { resources: items }),
    task: (task) => client.post('/v1/tasks', task),
    close: () => client.close(),
  };
}

export interface PullTransportOptions {
  /** A node whose agent does not take an observe within this time counts as offline. Default 15 s. */
  observeTimeoutMs?: number;
  /** Task timeout (the agent may be busy); default the dispatcher's. */
  taskTimeoutMs?: number;
}

export function pullTransport(node: string, hub: PullDispatcher, opts: PullTransportOptions = {}): AgentTransport {
  return {
    async observe(items) {
      const task: AgentTask = { taskId: `observe-${randomUUID()}`, type: 'Observe', payload: { resources: items as never } };
      let r: AgentTaskResult;
      try {
        r = await hub.dispatch(node, task, opts.observeTimeoutMs ?? 15_000);
      } catch (err) {
        throw new AgentUnreachable(node, `node ${node} (pull mode) did not answer: ${(err as Error).message}`);
      }
      if (r.status !== 'succeeded') throw new Error(`node ${node}: observe failed: ${r.errorMessage ?? r.message}`);
      const d = r.details as unknown as { observations: ObservedResource[]; facts?: NodeFacts };
      return { observations: d.observations, facts: d.facts };
    },
    async task(task) {
      try {
        return await hub.dispatch(node, task, opts.taskTimeoutMs);
      } catch (err) {
        throw new AgentUnreachable(node, `node ${node} (pull mode): ${(err as Error).message}`);
      }
    },
    close: async () => undefined,
  };
}
