// The `agent` target (key `agent:<node>`): resources on a machine running `boreas agent`, reached over
// HTTP (push mode) or through the daemon's pull queue (pull mode). The local target is the same
// class over a loopback transport (targets/local). observe() is one observe per node per pass; apply()
// sends one typed task. A node that does not answer is reported, not guessed: its resources come back
// Unknown with the cause (unreachable, unauthorized, timeout).
import { randomUUID } from 'node:crypto';
import { UserError } from '../../model/errors.js';
import type { Task, TaskResult } from '../../model/plan.js';
import { type DesiredResource, type Health, type ObservedResource, unknownObservation } from '../../model/resource.js';
import type { AgentTask, AgentTaskResult } from '../../protocol/tasks.js';
import type { ChallengeSink, Reachability, Target, TargetContext, TargetFactory } from '../target.js';
import { AgentClient, type AgentClientOptions, unknownCauseOf } from './client.js';
import { type AgentTransport, type PullDispatcher, type PullTransportOptions, PushNode, pullTransport, pushTransport } from './transport.js';
import { agentTask, observeItem } from './wire.js';
import type { SharedAgentClients } from './shared-clients.js';

/** What a node agent applies. */
export const machineKinds = ['Instance', 'File', 'NginxSite', 'CertificateFiles'] as const;

export class AgentTarget implements Target {
  readonly kinds = machineKinds;
  readonly challenges: ChallengeSink;

  constructor(
    readonly key: string,
    readonly node: string,
    private readonly transport: AgentTransport,
    private readonly ctx: TargetContext,
  ) {
    this.challenges = {
      publishChallenge: (token, content) =>
        this.challengeTask((key) => ({ taskId: key, idempotencyKey: key, type: 'PublishChallenge', payload: { token, content } })),
      removeChallenge: (token) => this.challengeTask((key) => ({ taskId: key, idempotencyKey: key, type: 'RemoveChallenge', payload: { token } })),
    };
  }

  async probe(): Promise<Reachability> {
    try {
      const facts = await this.transport.facts();
      return { reachable: true, facts: { nginx: facts.nginx, runtimes: facts.runtimes } };
    } catch (err) {
      return { reachable: false, cause: unknownCauseOf(this.node, err) };
    }
  }

  async observe(resources: DesiredResource[]): Promise<ObservedResource[]> {
    if (resources.length === 0) return [];
    try {
      return (await this.transport.observe(resources.map(observeItem))).observations;
    } catch (err) {
      const cause = unknownCauseOf(this.node, err);
      this.ctx.log.warn('node could not be observed', { node: this.node, reason: cause.reason, error: cause.message });
      return resources.map((r) => unknownObservation(r.id, cause));
    }
  }

  async apply(task: Task, signal?: AbortSignal): Promise<TaskResult> {
    const wire = await agentTask(task, this.ctx);
    const r = await this.transport.task(wire, signal);
    // An answer that is no result of this task (a proxy, another service, a broken agent) is not
    // success: counted as applied, the task would never be sent again under its key.
    if (!isResultOf(wire, r)) throw new Error(`node ${this.node}: ${wire.type} answered without a valid task result for its key`);
    if (r.status === 'failed') return { outcome: 'failed', message: `node ${this.node}: ${r.errorMessage ?? r.message ?? 'task failed'}` };
    return {
      outcome: r.outcome,
      ...(r.message ? { message: r.message } : {}),
      details: { node: this.node, ...(r.details ?? {}), ...(r.replayed ? { replayed: true } : {}) },
    };
  }

  async health(resource: DesiredResource): Promise<Health> {
    const [obs] = await this.observe([resource]);
    return obs?.health ?? { status: 'Unknown', level: 0 };
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  /**
   * ACME http-01 on this node's webroot. A fresh key per call: a pending authorization may hand out
   * the same token again on a retry, and a replayed (recorded) publish would write nothing.
   */
  private async challengeTask(make: (key: string) => AgentTask): Promise<void> {
    const task = make(`acme-challenge:${randomUUID()}`);
    const r = await this.transport.task(task);
    if (r.status === 'failed') throw new Error(`node ${this.node}: ${task.type}: ${r.errorMessage ?? r.message ?? 'failed'}`);
  }
}

const outcomes: ReadonlySet<unknown> = new Set<TaskResult['outcome']>(['created', 'configured', 'unchanged', 'deleted', 'failed']);

/** Whether `r` is the agent's result of `task`: a known status and outcome, for the task's key or id. */
function isResultOf(task: AgentTask, r: AgentTaskResult | null | undefined): r is AgentTaskResult {
  if (r === null || typeof r !== 'object') return false;
  if (r.status !== 'succeeded' && r.status !== 'failed') return false;
  return outcomes.has(r.outcome) && (r.idempotencyKey === task.idempotencyKey || r.taskId === task.taskId);
}

export interface AgentTargetOptions extends AgentClientOptions, PullTransportOptions {
  /** Pull mode: nodes without spec.address get their tasks through this (the daemon's PullHub). */
  pull?: PullDispatcher;
  /** Push mode: clients kept across registries (the daemon's); default one client per target, closed with it. */
  clients?: SharedAgentClients<PushNode>;
}

/**
 * A factory for `agent:<node>` keys. A Node with an address is pushed to; one without is reached
 * through `opts.pull` (the agent polls the daemon).
 */
export function createAgentTargetFactory(opts: AgentTargetOptions = {}): TargetFactory {
  return {
    type: 'agent',
    onThisMachine: false,
    async create(key, ctx, scope): Promise<Target> {
      const node = key.slice('agent:'.length);
      const spec = scope.node(node)?.spec;
      if (!spec) throw new UserError(`no Node manifest named "${node}"`);
      if (!spec.address) {
        if (!opts.pull) throw new UserError(`Node/${node} has no spec.address and pull mode needs \`boreas daemon\` (agents poll it)`);
        return new AgentTarget(key, node, pullTransport(node, opts.pull, opts), ctx);
      }
      if (!spec.tokenFrom) throw new UserError(`Node/${node} has no spec.tokenFrom: the agent needs a bearer token`);
      const token = (await ctx.resolveSecret(spec.tokenFrom)).trim();
      const origin = `http://${spec.address}`;
      if (!opts.clients) return new AgentTarget(key, node, pushTransport(new PushNode(new AgentClient(node, origin, token, opts))), ctx);
      const shared = opts.clients.acquire(node, origin, token, () => new PushNode(new AgentClient(node, origin, token, opts)));
      // The shared client stays open for the next registry: closing the target only lets go of it.
      return new AgentTarget(
        key,
        node,
        pushTransport(shared.client, async () => shared.release()),
        ctx,
      );
    },
  };
}

export { AgentClient, AgentHttpError, AgentUnreachable, type AgentClientOptions } from './client.js';
export { type AgentTransport, type PullDispatcher, PushNode } from './transport.js';
export { SharedAgentClients } from './shared-clients.js';
