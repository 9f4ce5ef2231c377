// CertificateFiles resources on this machine: certificate (0644) and key (0600) of one issued version
// written into BOREAS_NGINX_CERT_DIR, then nginx tested and reloaded. The PEMs are read from the
// state store at apply time (specs only carry name/version/fingerprint). Observation compares the
// fingerprint of the certificate file nginx serves with the desired one; a difference is drift.
import { stateSecret } from '../../store/state-key.js';
import { access, rm } from 'node:fs/promises';
import type { DesiredResource, Health, ObservedResource } from '../../model/resource.js';
import type { TaskResult } from '../../model/plan.js';
import { NginxCommandError, deployCertificate, readServedCertificateFingerprint } from '../../runtime/nginx/index.js';
import { assertAllowed } from '../../runtime/nginx/atomic-file.js';
import { certificatePayload } from '../certificates/payload.js';
import type { NginxNodeFacts } from '../nginx/facts.js';
import type { CertificateFilesSpec } from '../nginx/specs.js';
import type { TargetContext } from '../target.js';

/** Served fingerprint vs desired: applied when equal, drift when another certificate is served. */
export async function observeLocalCertificate(r: DesiredResource): Promise<ObservedResource> {
  const spec = r.spec as unknown as CertificateFilesSpec;
  const [served, keyPresent] = await Promise.all([readServedCertificateFingerprint(spec.certPath), exists(spec.keyPath)]);
  const details = { certPath: spec.certPath, keyPath: spec.keyPath, ...(served ? { servedFingerprint: served } : {}) };
  if (!served)
    return { id: r.id, exists: false, health: { status: 'Missing', level: 0, message: `${spec.certPath} is missing` }, fingerprint: 'missing', details };
  const fingerprint = `cert:${served}`; // same form as agents report
  if (!keyPresent) {
    return {
      id: r.id,
      exists: true,
      health: { status: 'Degraded', level: 50, message: `${spec.keyPath} is missing` },
      drift: [`${spec.keyPath} is missing`],
      fingerprint,
      details,
    };
  }
  if (served === spec.fingerprint) {
    return {
      id: r.id,
      exists: true,
      appliedHash: r.hash,
      health: { status: 'Healthy', level: 100, message: `serving version ${spec.version}` },
      fingerprint,
      details,
    };
  }
  return {
    id: r.id,
    exists: true,
    health: { status: 'Degraded', level: 50, message: `serves a different certificate than version ${spec.version}` },
    drift: [`${spec.certPath} serves sha256:${served.slice(0, 16)}…, desired version ${spec.version} is sha256:${spec.fingerprint.slice(0, 16)}…`],
    fingerprint,
    details,
  };
}

/** Writes the version named by the spec (or removes both files on delete), then reloads nginx. */
export async function applyLocalCertificate(ctx: TargetContext, r: DesiredResource, deleting: boolean, facts: NginxNodeFacts): Promise<TaskResult> {
  const spec = r.spec as unknown as CertificateFilesSpec;
  const allowedRoots = [facts.certDir];
  if (deleting) {
    // Sites using it are removed first (they depend on it), so nginx no longer references the files.
    const paths = [assertAllowed(spec.certPath, allowedRoots), assertAllowed(spec.keyPath, allowedRoots)];
    const had = (await Promise.all(paths.map(exists))).some(Boolean);
    await Promise.all(paths.map((p) => rm(p, { force: true })));
    return {
      outcome: had ? 'deleted' : 'unchanged',
      message: had ? `removed certificate ${spec.certificate}` : `certificate ${spec.certificate} was not present`,
    };
  }
  if (spec.version === 0) return { outcome: 'failed', message: `certificate ${spec.certificate} has not been issued yet (see the warnings of this reconcile)` };
  try {
    const res = await deployCertificate(certificatePayload(ctx.store, spec, { secretKey: stateSecret(ctx.stateDir) }), { allowedRoots });
    return {
      outcome: res.outcome,
      message:
        res.outcome === 'unchanged'
          ? `certificate ${spec.certificate} version ${spec.version} already deployed`
          : `deployed certificate ${spec.certificate} version ${spec.version}, nginx reloaded`,
      details: { certPath: spec.certPath, fingerprint: res.fingerprint },
    };
  } catch (err) {
    if (err instanceof NginxCommandError) return { outcome: 'failed', message: err.message };
    throw err;
  }
}

export async function localCertificateHealth(r: DesiredResource): Promise<Health> {
  return (await observeLocalCertificate(r)).health;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
