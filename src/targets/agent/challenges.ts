// ACME http-01 through node agents: the CA fetches `http://<domain>/.well-known/acme-challenge/<token>`
// from whichever edge node its DNS answer points at, so the key authorization must be on every edge
// node serving the certificate's hosts. The controller sends each node a PublishChallenge task (token
// and content only; the node writes into its own --nginx-webroot) and a RemoveChallenge afterwards.
import { randomUUID } from 'node:crypto';
import type { ManifestSet } from '../../manifests/model.js';
import { ingressEdges } from '../../desired/ingress.js';
import type { AgentTask, AgentTaskResult } from '../../agent/tasks/types.js';
import type { ChallengePublisher } from '../certificates/index.js';
import type { Logger } from '../../util/logger.js';
import type { TargetRegistry } from '../registry.js';

/** Sends one typed task to a node's agent (the agent target's `sendTask`, whatever the transport). */
export type AgentTaskSender = (node: string, task: AgentTask) => Promise<AgentTaskResult>;

/**
 * Agent-run edge nodes (not `local`) of the Ingresses whose TLS certificate is issued by ACME http-01,
 * sorted. ChallengePublisher carries no certificate name, and one certificate is issued at a time
 * with tokens unique per order, so publishing to the union is safe; it is exactly the certificate's
 * edges when one ACME certificate is in use.
 */
export function acmeEdgeNodes(manifests: ManifestSet): string[] {
  const nodes = new Set<string>();
  for (const { manifest: ing } of manifests.ingresses.values()) {
    const certName = ing.spec.tls?.certificate;
    const acme = certName ? manifests.certificates.get(certName)?.manifest.spec.issuer.acme : undefined;
    if (!acme || (acme.challenge ?? 'http-01') !== 'http-01') continue;
    for (const e of ingressEdges(ing, manifests)) if (e.node !== 'local') nodes.add(e.node);
  }
  return [...nodes].sort();
}

/**
 * A ChallengePublisher writing each token on every node in `nodes` through its agent. A node that
 * fails (offline, refused) is logged and skipped as long as one node took the token, so an offline
 * edge does not block issuance for the others (the CA may still pick it and fail, which the ACME
 * error then says); it throws when no node took it.
 */
export function agentChallengePublisher(nodes: string[], send: AgentTaskSender, log?: Logger): ChallengePublisher {
  const everywhere = async (action: 'publish' | 'remove', token: string, task: (key: string) => Pick<AgentTask, 'type' | 'payload'>) => {
    // A fresh key per call: a pending authorization may hand out the same token again on a retry,
    // and a replayed (recorded) publish would write nothing.
    const key = `acme-challenge-${action}:${token}:${randomUUID()}`;
    const results = await Promise.allSettled(nodes.map((node) => send(node, { taskId: key, idempotencyKey: key, ...task(key) })));
    const failed: string[] = [];
    results.forEach((r, i) => {
      const why =
        r.status === 'rejected' ? (r.reason as Error).message : r.value.status === 'failed' ? (r.value.errorMessage ?? r.value.message ?? 'failed') : undefined;
      if (why) failed.push(`${nodes[i]}: ${why}`);
    });
    if (failed.length === 0) return;
    if (action === 'publish' && failed.length === nodes.length)
      throw new Error(`ACME challenge could not be published on any edge node (${failed.join('; ')})`);
    log?.warn(`ACME challenge ${action} failed on some edge nodes`, { nodes: failed.map((f) => f.split(':')[0]).join(','), error: failed.join('; ') });
  };
  return {
    publishChallenge: (token, content) => everywhere('publish', token, () => ({ type: 'PublishChallenge', payload: { token, content } })),
    removeChallenge: (token) => everywhere('remove', token, () => ({ type: 'RemoveChallenge', payload: { token } })),
  };
}

/** Sends through the registry's `agent:<node>` targets (created on first use, push or pull). */
export function registryTaskSender(registry: TargetRegistry): AgentTaskSender {
  return async (node, task) => {
    const target = (await registry.get(`agent:${node}`)) as { sendTask?: (t: AgentTask) => Promise<AgentTaskResult> };
    if (!target.sendTask) throw new Error(`target agent:${node} cannot take agent tasks`);
    return target.sendTask(task);
  };
}

/** Publishes through several publishers (the local webroot and the agents) at once. */
export function allChallengePublishers(publishers: Array<ChallengePublisher | undefined>): ChallengePublisher | undefined {
  const list = publishers.filter((p): p is ChallengePublisher => !!p);
  if (list.length <= 1) return list[0];
  return {
    publishChallenge: async (token, content) => void (await Promise.all(list.map((p) => p.publishChallenge(token, content)))),
    removeChallenge: async (token) => void (await Promise.all(list.map((p) => p.removeChallenge(token)))),
  };
}
