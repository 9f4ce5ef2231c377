// How the agent target reaches a node: push (HTTP to the agent's API), pull (tasks queued on the
// controller, taken by the agent's poll loop; the daemon's PullHub), or loopback (the agent's own
// handlers called in this process: the local target). All three carry the same wire task and return
// the same result, so the target above them does not know which one it uses.
import { randomUUID } from 'node:crypto';
import { defaultNginxFacts } from '../../model/edge-specs.js';
import type { NodeFacts } from '../../protocol/facts.js';
import type { ObserveDigestsResponse, ObserveItem, ObserveResponse } from '../../protocol/observe.js';
import type { AgentTask, AgentTaskResult } from '../../protocol/tasks.js';
import { AgentHttpError, AgentUnreachable, type AgentClient } from './client.js';
import { ObservationMemo } from './observation-memo.js';

export interface AgentTransport {
  /** The node's facts; throws AgentUnreachable / AgentHttpError when it cannot answer. */
  facts(): Promise<NodeFacts>;
  observe(items: ObserveItem[]): Promise<Omit<ObserveResponse, 'node'>>;
  /** Runs one task; `signal` abandons the wait for its answer (the node may still finish it). */
  task(task: AgentTask, signal?: AbortSignal): Promise<AgentTaskResult>;
  close(): Promise<void>;
}

/** Queues a task for a pull-mode node and resolves with its report (the daemon's PullHub). */
export interface PullDispatcher {
  dispatch(node: string, task: AgentTask, timeoutMs?: number): Promise<AgentTaskResult>;
  /** The node's last heartbeat, when it polled recently enough to count as connected. */
  lastSeen(node: string): { at: number; facts?: NodeFacts } | undefined;
}

/**
 * One pushed node: its HTTP client and what it last answered (ObservationMemo). The daemon keeps
 * these across reconciles (SharedAgentClients); a CLI run has one per target.
 */
export class PushNode {
  readonly memo = new ObservationMemo();
  constructor(readonly client: AgentClient) {}
  close(): Promise<void> {
    return this.client.close();
  }
}

/**
 * Push mode over `node`; `close` defaults to closing its client (a shared one passes its release).
 * Observe goes by digest (`POST /v1/observe-digests`) when the node's facts offer it, else, and for
 * older agents, through `POST /v1/observe`.
 */
export function pushTransport(node: PushNode, close: () => Promise<void> = () => node.close()): AgentTransport {
  const { client, memo } = node;
  const observeInFull = async (items: ObserveItem[]) => {
    const r = withObservations(client, '/v1/observe', await client.post<ObserveResponse>('/v1/observe', { resources: items }));
    memo.noteFacts(r.facts);
    return r;
  };
  return {
    facts: async () => {
      const facts = await client.get<NodeFacts>('/v1/facts');
      memo.noteFacts(facts);
      return facts;
    },
    async observe(items) {
      if (!memo.digests) return observeInFull(items);
      let r: ObserveDigestsResponse;
      try {
        r = withObservations(
          client,
          '/v1/observe-digests',
          await client.post<ObserveDigestsResponse>('/v1/observe-digests', { resources: items, known: memo.known(items) }),
        );
      } catch (err) {
        // An agent replaced by an older one since its facts were read: ask the way it understands.
        if (err instanceof AgentHttpError && err.status === 404) {
          memo.digests = false;
          return observeInFull(items);
        }
        throw err;
      }
      memo.noteFacts(r.facts);
      const observations = memo.resolve(items, r.observations);
      return observations ? { facts: r.facts, observations } : observeInFull(items);
    },
    task: (task, signal) => client.post('/v1/tasks', task, signal),
    close,
  };
}

/** An observe answer with its `observations` list, or the node's error saying it had none. */
function withObservations<R extends { observations?: unknown }>(client: AgentClient, path: string, r: R): R {
  if (Array.isArray(r?.observations)) return r;
  throw new AgentHttpError(client.node, 200, `node ${client.node} (${client.origin}): ${path} answered without an observations list`);
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
    async task(task, signal) {
      connected();
      const abandoned = () =>
        new AgentUnreachable(node, `node ${node} (pull mode): ${task.type} abandoned: the run was interrupted or reached its --timeout`, true);
      try {
        return await abandonable(hub.dispatch(node, task, opts.taskTimeoutMs), signal, abandoned);
      } catch (err) {
        if (err instanceof AgentUnreachable) throw err;
        throw new AgentUnreachable(node, `node ${node} (pull mode): ${(err as Error).message}`);
      }
    },
    close: async () => undefined,
  };
}

/**
 * `work`, or a rejection with `abandoned()` as soon as `signal` aborts: the run stops waiting for a
 * report (the dispatcher keeps the task until its own timeout; the node may still run it, and its
 * idempotency key makes a later re-dispatch a replay).
 */
function abandonable<T>(work: Promise<T>, signal: AbortSignal | undefined, abandoned: () => Error): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(abandoned());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abandoned());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
