// The `agent` target (key `agent:<node>`): resources on a machine running `boreas agent`, reached over
// HTTP (push mode) or through the daemon's pull queue (pull mode). observe() is one observe per node
// per reconcile (`POST /v1/observe`, or one Observe task); apply() sends one typed task. A node that
// does not answer is reported, not guessed: its resources come back with health Unknown (level 0)
// and `details.offline: true`, and the node is listed under the store key nodes/offline, which
// placement reads to keep new instances off it.
import type { ManifestSet } from '../../manifests/model.js';
import type { SecretSource } from '../../manifests/types.generated.js';
import type { Task, TaskResult } from '../../model/plan.js';
import type { DesiredResource, Health, ObservedResource } from '../../model/resource.js';
import type { Target, TargetContext, TargetFactory } from '../target.js';
import { AgentClient, AgentUnreachable, type AgentClientOptions } from './client.js';
import { pullTransport, pushTransport, type AgentTransport, type PullDispatcher, type PullTransportOptions } from './transport.js';
import { agentTask, observeItem } from './wire.js';
import { markNode, rememberFacts } from './offline.js';
import type { AgentTask, AgentTaskResult } from '../../agent/tasks/types.js';

/** What the target needs to know about a node (the Node manifest's spec). */
export interface AgentNodeInfo {
  address?: string;
  tokenFrom?: SecretSource;
}

export type NodeLookup = (node: string) => AgentNodeInfo | undefined;

class AgentTarget implements Target {
  constructor(
    readonly key: string,
    readonly node: string,
    private readonly transport: AgentTransport,
    private readonly ctx: TargetContext,
  ) {}

  async observe(resources: DesiredResource[]): Promise<ObservedResource[]> {
    if (resources.length === 0) return [];
    try {
      const res = await this.transport.observe(resources.map(observeItem));
      markNode(this.ctx.store, this.node, true);
      rememberFacts(this.ctx.store, this.node, res.facts);
      return res.observations;
    } catch (err) {
      if (!(err instanceof AgentUnreachable)) throw err;
      markNode(this.ctx.store, this.node, false);
      this.ctx.log.warn('node offline', { node: this.node, error: err.message });
      // exists stays true so the plan neither re-creates nor forgets what is (probably) still there.
      const health: Health = { status: 'Unknown', level: 0, message: `node ${this.node} is offline` };
      return resources.map((r) => ({ id: r.id, exists: true, health, details: { node: this.node, offline: true, error: err.message } }));
    }
  }

  async apply(task: Task): Promise<TaskResult> {
    const wire = await agentTask(task, this.ctx);
    const r = await this.transport.task(wire);
    if (r.status === 'failed') return { outcome: 'failed', message: `node ${this.node}: ${r.errorMessage ?? r.message ?? 'task failed'}` };
    return {
      outcome: r.outcome,
      ...(r.message ? { message: r.message } : {}),
      details: { node: this.node, ...(r.details ?? {}), ...(r.replayed ? { replayed: true } : {}) },
    };
  }

  /** Sends a typed task that is not a plan task (ACME challenges, challenges.ts); same transport as apply. */
  sendTask(task: AgentTask): Promise<AgentTaskResult> {
    return this.transport.task(task);
  }

  async health(resource: DesiredResource): Promise<Health> {
    const [obs] = await this.observe([resource]);
    return obs?.health ?? { status: 'Unknown', level: 0 };
  }

  async close(): Promise<void> {
    await this.transport.close();
  }
}

export interface AgentTargetOptions extends AgentClientOptions, PullTransportOptions {
  /** Pull mode: nodes without spec.address get their tasks through this (the daemon's PullHub). */
  pull?: PullDispatcher;
}

/**
 * A factory for `agent:<node>` keys; `lookup` gives the Node's address and token source. A Node with
 * an address is pushed to; one without is reached through `opts.pull` (the agent polls the daemon).
 */
export function createAgentTargetFactory(lookup: NodeLookup, opts: AgentTargetOptions = {}): TargetFactory {
  return {
    type: 'agent',
    async create(key: string, ctx: TargetContext): Promise<Target> {
      const node = key.slice('agent:'.length);
      const info = lookup(node);
      if (!info) throw new Error(`no Node manifest named "${node}" for target ${key}`);
      if (!info.address) {
        if (!opts.pull) throw new Error(`Node/${node} has no spec.address and pull mode needs \`boreas daemon\` (agents poll it)`);
        return new AgentTarget(key, node, pullTransport(node, opts.pull, opts), ctx);
      }
      if (!info.tokenFrom) throw new Error(`Node/${node} has no spec.tokenFrom: the agent needs a bearer token`);
      const token = (await ctx.resolveSecret(info.tokenFrom)).trim();
      return new AgentTarget(key, node, pushTransport(new AgentClient(node, `http://${info.address}`, token, opts)), ctx);
    },
  };
}

/** The agent factory wired to the current manifests' Node objects. */
export function agentTargetFactoryFor(manifests: () => ManifestSet | undefined, opts: AgentTargetOptions = {}): TargetFactory {
  return createAgentTargetFactory((node) => manifests()?.nodes.get(node)?.manifest.spec, opts);
}

export { AgentClient, AgentUnreachable, AgentHttpError, type AgentClientOptions } from './client.js';
export { offlineNodes, reportedNginxFacts } from './offline.js';
export { refreshNodeLiveness, type NodeAddress } from './liveness.js';
export type { PullDispatcher } from './transport.js';
export { acmeEdgeNodes, agentChallengePublisher, allChallengePublishers, registryTaskSender, type AgentTaskSender } from './challenges.js';
