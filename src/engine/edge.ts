// Edge stage of a pass: certificates are ensured on the controller (issue/renew; read-only for
// `plan`), then nginx sites are rendered with the upstreams' current health, because only healthy
// endpoints go into an upstream. Runs after the machine instances were observed.
import { buildIngressResources } from '../desired/ingress.js';
import type { ManifestSet } from '../manifests/model.js';
import type { DesiredResource, ObservedResource } from '../model/resource.js';
import type { Store } from '../store/store.js';
import { currentCertificate, ensureUsedCertificates, type ChallengePublisher } from '../targets/certificates/index.js';
import { defaultNginxFacts, type NginxNodeFacts } from '../targets/nginx/facts.js';
import type { Logger } from '../util/logger.js';
import { resolveSecret } from './secrets.js';

export interface EdgeOptions {
  manifests: ManifestSet;
  store: Store;
  log: Logger;
  /** false for `plan`: use the versions already issued, issue nothing. */
  issueCertificates: boolean;
  /** Node-local nginx facts as reported by agents (defaults otherwise). */
  nodeFacts?: (node: string) => NginxNodeFacts | undefined;
  challenges?: ChallengePublisher;
}

export async function buildEdgeResources(opts: EdgeOptions, machine: DesiredResource[], observed: Map<string, ObservedResource>): Promise<DesiredResource[]> {
  if (opts.manifests.ingresses.size === 0) return [];
  let versionOf = (name: string) => {
    const rec = currentCertificate(opts.store, name);
    return rec && { version: rec.version, fingerprint: rec.fingerprint };
  };
  if (opts.issueCertificates) {
    const used = await ensureUsedCertificates(opts.manifests, { store: opts.store, resolveSecret, challenges: opts.challenges, log: opts.log, acmeDirectoryCaPem: process.env.BOREAS_ACME_CA_FILE ? await readCa(process.env.BOREAS_ACME_CA_FILE) : undefined });
    for (const [name, e] of used.ensured) if (e.issued) opts.store.audit({ type: 'certificate-issued', subject: `Certificate/${name}`, message: `version ${e.version}: ${e.reason ?? 'issued'}` });
    for (const [name, msg] of used.errors) opts.log.warn('certificate not issued', { certificate: name, error: msg });
    versionOf = used.versionOf;
  }
  const healthy = (id: string) => (observed.get(id)?.health.level ?? 0) >= 100;
  return buildIngressResources(opts.manifests, machine, healthy, (node) => opts.nodeFacts?.(node) ?? defaultNginxFacts, { certificateVersion: versionOf });
}

async function readCa(file: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  return readFile(file, 'utf8');
}
