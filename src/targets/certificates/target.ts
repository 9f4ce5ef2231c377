// The `certificates` target: certificates the controller issues and renews, versioned in the state
// store. Observing one is reading its current record (and, for a `file` issuer, the PEM it points at);
// applying one issues a new version. So issuance and renewal are planned changes like any other:
// `plan` shows "issue certificate X for hosts …" or "renew …", and only `reconcile` talks to a CA.
// ACME http-01 tokens are published through the edge targets that serve the certificate's hosts.
import type { CertificateSpec } from '../../model/edge-specs.js';
import type { Task, TaskResult } from '../../model/plan.js';
import type { DesiredResource, Health, ObservedResource } from '../../model/resource.js';
import { stateSecret } from '../../store/state-key.js';
import type { ChallengeSink, Reachability, Target, TargetContext, TargetFactory } from '../target.js';
import type { ChallengePublisher } from './acme-issuer.js';
import { currentCertificate, type CertificateRecord } from './cert-store.js';
import { certificateIssuerHash, ensureCertificate, renewalReason, renewWindowDays } from './ensure.js';
import { loadFileCertificate } from './file-issuer.js';
import { certificateFacts } from './pem.js';

const day = 86_400_000;

export class CertificatesTarget implements Target {
  readonly kinds = ['Certificate'] as const;
  /**
   * Certificates this instance issued (one instance lives for one reconcile run): a certificate is
   * renewed at most once per run, even when renewBeforeDays is longer than the CA's validity.
   */
  private readonly issuedNow = new Set<string>();

  constructor(
    readonly key: string,
    private readonly ctx: TargetContext,
  ) {}

  async probe(): Promise<Reachability> {
    return { reachable: true, facts: {} };
  }

  async observe(resources: DesiredResource[]): Promise<ObservedResource[]> {
    return Promise.all(resources.map((r) => (r.kind === 'Certificate' ? this.observeOne(r.id, r.hash, r.spec) : this.notServed(r))));
  }

  async apply(task: Task): Promise<TaskResult> {
    const r = task.resource;
    if (r.kind !== 'Certificate') return { outcome: 'failed', message: `${this.key} does not serve ${r.kind} resources` };
    // Issued versions stay in the store (rollback, audit); a certificate leaving Git is simply no longer renewed.
    if (task.action === 'delete') return { outcome: 'deleted', message: `certificate ${r.spec.name} is no longer renewed` };
    const ensured = await ensureCertificate(r.spec, {
      store: this.ctx.store,
      resolveSecret: this.ctx.resolveSecret,
      challenges: await this.challengesFor(r.spec),
      secretKey: stateSecret(this.ctx.stateDir),
      acmeDirectoryCaPem: await acmeDirectoryCa(),
      log: this.ctx.log,
    });
    if (!ensured.issued) return { outcome: 'unchanged', message: `certificate ${r.spec.name} version ${ensured.version} is current` };
    this.issuedNow.add(r.spec.name);
    await this.ctx.store.audit({
      type: 'certificate-issued',
      subject: `Certificate/${r.spec.name}`,
      message: `version ${ensured.version}: ${ensured.reason ?? 'issued'}`,
    });
    return {
      outcome: ensured.version === 1 ? 'created' : 'configured',
      message: `issued certificate ${r.spec.name} version ${ensured.version} (${ensured.reason ?? 'issued'}), valid until ${ensured.notAfter}`,
      details: { version: ensured.version, fingerprint: ensured.fingerprint },
    };
  }

  async health(resource: DesiredResource): Promise<Health> {
    const [o] = await this.observe([resource]);
    return o.health;
  }

  private async observeOne(id: string, hash: string, spec: CertificateSpec): Promise<ObservedResource> {
    const rec = await currentCertificate(this.ctx.store, spec.name);
    const hosts = spec.domains.join(', ');
    if (!rec) {
      return {
        id,
        state: 'absent',
        health: { status: 'Missing', level: 0, message: 'not issued yet' },
        pending: `issue certificate ${spec.name} for ${hosts}`,
      };
    }
    const details = { version: rec.version, fingerprint: rec.fingerprint, notAfter: rec.notAfter, sans: rec.sans };
    const daysLeft = Math.floor((Date.parse(rec.notAfter) - Date.now()) / day);
    const health: Health =
      daysLeft < 0
        ? { status: 'Degraded', level: 0, message: `expired ${-daysLeft} day(s) ago` }
        : { status: 'Healthy', level: 100, message: `version ${rec.version}, ${daysLeft} day(s) left` };
    const base = { id, state: 'present' as const, health, details, fingerprint: `cert:${rec.fingerprint}` };
    // Issued for other domains or issuer settings: a new certificate is due (the plan shows the field diff).
    if (rec.issuerHash !== certificateIssuerHash(spec)) {
      return {
        ...base,
        appliedSpec: { name: spec.name, domains: rec.domains, issuer: rec.issuer },
        pending: `issue certificate ${spec.name} for ${hosts} (domains or issuer changed)`,
      };
    }
    const due = this.issuedNow.has(spec.name) ? undefined : renewalReason(rec, rec.issuerHash, renewWindowDays(spec), new Date());
    const why = spec.issuer.file ? await this.fileChanged(spec, rec) : due;
    // In sync as far as issuance goes: what renewBeforeDays or the edges are does not re-issue anything.
    const applied = { appliedHash: hash };
    if (!why) return { ...base, ...applied };
    return { ...base, ...applied, drift: [why], pending: `renew certificate ${spec.name} for ${hosts}: ${why}` };
  }

  /** A `file` certificate follows the PEM it points at: a different certificate there is a new version. */
  private async fileChanged(spec: CertificateSpec, rec: CertificateRecord): Promise<string | undefined> {
    try {
      const pem = await loadFileCertificate(spec, this.ctx.resolveSecret);
      return certificateFacts(pem.certPem).fingerprint === rec.fingerprint ? undefined : 'the certificate file changed';
    } catch (err) {
      return `the certificate file cannot be loaded: ${(err as Error).message}`;
    }
  }

  private notServed(r: DesiredResource): ObservedResource {
    return {
      id: r.id,
      state: 'unknown',
      cause: { reason: 'unserved', message: `${this.key} does not serve ${r.kind} resources` },
      health: { status: 'Unknown', level: 0 },
    };
  }

  /** Publishes http-01 tokens on every edge target of the certificate's hosts that can serve them. */
  private async challengesFor(spec: CertificateSpec): Promise<ChallengePublisher | undefined> {
    const sinks: Array<{ key: string; sink: ChallengeSink }> = [];
    for (const key of spec.challengeTargets) {
      const t = await this.ctx.peer(key);
      if (t.challenges) sinks.push({ key, sink: t.challenges });
    }
    if (sinks.length === 0) return undefined;
    const everywhere = async (what: string, fn: (s: ChallengeSink) => Promise<void>) => {
      const results = await Promise.allSettled(sinks.map(({ sink }) => fn(sink)));
      const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${sinks[i].key}: ${(r.reason as Error).message}`] : []));
      // The CA asks whichever edge its DNS answer points at: one edge that took the token can be enough.
      if (failed.length === sinks.length) throw new Error(`ACME challenge could not be ${what} on any edge (${failed.join('; ')})`);
      if (failed.length) this.ctx.log.warn(`ACME challenge ${what} failed on some edges`, { error: failed.join('; ') });
    };
    return {
      publishChallenge: (token, content) => everywhere('published', (s) => s.publishChallenge(token, content)),
      removeChallenge: (token) => everywhere('removed', (s) => s.removeChallenge(token)),
    };
  }
}

/** Extra CA trusted for ACME directories (a private CA such as pebble in tests): BOREAS_ACME_CA_FILE. */
async function acmeDirectoryCa(): Promise<string | undefined> {
  const file = process.env.BOREAS_ACME_CA_FILE;
  if (!file) return undefined;
  const { readFile } = await import('node:fs/promises');
  return readFile(file, 'utf8');
}

/** Factory for the key `certificates`. */
export const certificatesTargetFactory: TargetFactory = {
  type: 'certificates',
  onThisMachine: false,
  create: (key, ctx) => new CertificatesTarget(key, ctx),
};
