// Edge stage of a pass: certificates are ensured on the controller (issue/renew; read-only for
// `plan`), then nginx sites are rendered with the upstreams' current health, because only healthy
// endpoints go into an upstream. Runs after the machine instances were observed.
import { stateSecret } from '../store/state-key.js';
import { buildIngressResources } from '../desired/ingress.js';
import type { ManifestSet } from '../manifests/model.js';
import type { DesiredResource, ObservedResource } from '../model/resource.js';
import type { InstanceSpec } from '../runtime/instance-spec.js';
import type { Store } from '../store/store.js';
import { currentCertificate, ensureUsedCertificates, type ChallengePublisher } from '../targets/certificates/index.js';
import type { NginxNodeFacts } from '../targets/nginx/facts.js';
import type { TargetRegistry } from '../targets/registry.js';
import { acmeEdgeNodes, agentChallengePublisher, allChallengePublishers, registryTaskSender, reportedNginxFacts } from '../targets/agent/index.js';
import type { Logger } from '../util/logger.js';
import { edgeNodeFacts, localChallengePublisher } from './local-edge-facts.js';
import { resolveSecret, type SecretSource } from '../secrets/index.js';

export interface EdgeOptions {
  manifests: ManifestSet;
  store: Store;
  log: Logger;
  /** false for `plan`: use the versions already issued, issue nothing. */
  issueCertificates: boolean;
  /** Node-local nginx facts; default: BOREAS_NGINX_* for `local` (local-edge-facts.ts), agents' reports for nodes. */
  nodeFacts?: (node: string) => NginxNodeFacts | undefined;
  /** http-01 publisher; default: the local webroot when this machine serves an Ingress, plus the agents of edge nodes (PublishChallenge tasks). */
  challenges?: ChallengePublisher;
  /** Resolves certificate secrets (certFrom/keyFrom) of the revision; default: env and file only. */
  resolveSecret?: (source: SecretSource) => Promise<string>;
  /** Used to probe local backends (their observation reports liveness only, not the health check). */
  registry?: TargetRegistry;
}

/** What `boreas status` needs to relate certificates to applications without the manifests. */
export interface EdgeSnapshot {
  ingresses: Record<string, { applications: string[]; certificate?: string; hosts: string[] }>;
}

export const edgeSnapshotKey = ['edge', 'ingresses'] as const;

export async function buildEdgeResources(opts: EdgeOptions, machine: DesiredResource[], observed: Map<string, ObservedResource>): Promise<DesiredResource[]> {
  if (opts.manifests.ingresses.size === 0) return [];
  let versionOf = (name: string) => {
    const rec = currentCertificate(opts.store, name);
    return rec && { version: rec.version, fingerprint: rec.fingerprint };
  };
  if (opts.issueCertificates) {
    rememberEdge(opts.store, opts.manifests);
    const challenges = opts.challenges ?? allChallengePublishers([localChallengePublisher(opts.manifests), agentChallenges(opts)]);
    const used = await ensureUsedCertificates(opts.manifests, {
      store: opts.store,
      resolveSecret: opts.resolveSecret ?? ((s) => resolveSecret(s)),
      challenges,
      log: opts.log,
      secretKey: opts.registry ? stateSecret(opts.registry.stateDir) : undefined,
      acmeDirectoryCaPem: process.env.BOREAS_ACME_CA_FILE ? await readCa(process.env.BOREAS_ACME_CA_FILE) : undefined,
    });
    for (const [name, e] of used.ensured)
      if (e.issued) opts.store.audit({ type: 'certificate-issued', subject: `Certificate/${name}`, message: `version ${e.version}: ${e.reason ?? 'issued'}` });
    for (const [name, msg] of used.errors) opts.log.warn('certificate not issued', { certificate: name, error: msg });
    versionOf = used.versionOf;
  }
  const failing = await failingLocalBackends(opts, machine, observed);
  const healthy = (id: string) => (observed.get(id)?.health.level ?? 0) >= 100 && !failing.has(id);
  // Explicit facts (tests, callers that know better) win; otherwise env for `local`, agents' reports for nodes.
  const given = opts.nodeFacts;
  const facts = edgeNodeFacts(reportedNginxFacts(opts.store));
  return buildIngressResources(opts.manifests, machine, healthy, given ? (node) => given(node) ?? facts(node) : facts, { certificateVersion: versionOf });
}

/** http-01 publisher for edge nodes run by agents (a PublishChallenge task per node), if any. */
function agentChallenges(opts: EdgeOptions): ChallengePublisher | undefined {
  const nodes = acmeEdgeNodes(opts.manifests);
  if (nodes.length === 0 || !opts.registry) return undefined;
  return agentChallengePublisher(nodes, registryTaskSender(opts.registry), opts.log);
}

/**
 * Local instances behind an Ingress whose health check fails although the process runs. The local
 * target's observation only says "running"; an upstream must list only endpoints that pass their
 * check, so those are probed here (agents already probe during observation).
 */
async function failingLocalBackends(opts: EdgeOptions, machine: DesiredResource[], observed: Map<string, ObservedResource>): Promise<Set<string>> {
  const failing = new Set<string>();
  if (!opts.registry) return failing;
  const backends = new Set([...opts.manifests.ingresses.values()].flatMap((l) => l.manifest.spec.rules.map((r) => r.application)));
  const candidates = machine.filter((r) => {
    if (r.kind !== 'Instance' || r.target !== 'local') return false;
    const spec = r.spec as unknown as InstanceSpec;
    return backends.has(spec.app) && spec.state === 'Running' && spec.health !== undefined && (observed.get(r.id)?.health.level ?? 0) >= 100;
  });
  if (candidates.length === 0) return failing;
  const target = await opts.registry.get('local');
  await Promise.all(
    candidates.map(async (r) => {
      const level = await target.health(r).then(
        (h) => h.level,
        () => 0,
      );
      if (level < 100) failing.add(r.id);
    }),
  );
  return failing;
}

/** Ingress → applications/certificate, kept in the store for `status` (written only when changed). */
function rememberEdge(store: Store, manifests: ManifestSet): void {
  const snapshot: EdgeSnapshot = { ingresses: {} };
  for (const [name, { manifest: ing }] of [...manifests.ingresses].sort(([a], [b]) => a.localeCompare(b))) {
    snapshot.ingresses[name] = {
      applications: [...new Set(ing.spec.rules.map((r) => r.application))].sort(),
      ...(ing.spec.tls?.certificate ? { certificate: ing.spec.tls.certificate } : {}),
      hosts: [...ing.spec.hosts],
    };
  }
  store.setKv(...edgeSnapshotKey, JSON.stringify(snapshot));
}

async function readCa(file: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  return readFile(file, 'utf8');
}
