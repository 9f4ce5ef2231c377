// selfSigned and file certificates end to end: issued into a real SQLite store, deployed to a real
// nginx, verified by a TLS client against the SAN, rotated, and reported by status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { connect } from 'node:tls';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import type { SecretSource } from '../../src/model/manifest-types.generated.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import {
  certificatePayload,
  certificateStatus,
  ensureCertificate,
  generateSelfSigned,
  loadCertificateMaterial,
  certificatesNamespace,
} from '../../src/targets/certificates/index.js';
import { certificatePaths, sitePath } from '../../src/desired/ingress/paths.js';
import { renderNginxSite } from '../../src/desired/ingress/nginx-render.js';
import type { CertificateFilesSpec, CertificateSpec } from '../../src/model/edge-specs.js';
import { deployCertificate, deployNginxSite, readServedCertificateFingerprint } from '../../src/runtime/nginx/index.js';
import { UserError } from '../../src/model/errors.js';
import { CertificatesTarget } from '../../src/targets/certificates/index.js';
import type { CertificateResource } from '../../src/model/resource.js';
import { hashJson } from '../../src/util/hash.js';
import { testTargetContext } from '../helpers/targets.js';
import { nginxUnavailable, startNginx, type TestNginx } from '../helpers/nginx.js';

const skip = nginxUnavailable();
const selfSigned = (domains: string[], days = 90, name = 'shop-cert'): CertificateSpec => ({
  name,
  domains,
  issuer: { selfSigned: { days } },
  renewBeforeDays: 30,
  challengeTargets: [],
});

async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'boreas-cert-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The fingerprint of the certificate a TLS server presents for `servername`. */
function servedFingerprint(port: number, servername: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, servername, ca }, () => {
      resolve(s.getPeerCertificate().fingerprint256.replace(/:/g, '').toLowerCase());
      s.end();
    });
    s.once('error', reject);
  });
}

function filesSpec(nginx: TestNginx, version: number, fingerprint: string): CertificateFilesSpec {
  return { certificate: 'shop-cert', node: 'edge', version, fingerprint, ...certificatePaths(nginx.facts, 'shop-cert') };
}

/** The DeployCertificate payload with this test nginx's commands (an agent adds its own). */
const payloadFor = async (store: Parameters<typeof certificatePayload>[0], spec: CertificateFilesSpec, nginx: TestNginx) => ({
  ...(await certificatePayload(store, spec)),
  testCommand: nginx.facts.testCommand,
  reloadCommand: nginx.facts.reloadCommand,
});

test('self-signed certificate served by nginx, SAN verified, rotated, reported', { skip }, async (t) => {
  const dir = await tempDir(t);
  const store = openSqliteStore(join(dir, 'state.db'));
  t.after(() => store.close());
  const nginx = await startNginx();
  const backend = createServer((req, res) => res.end(`app ${req.headers['x-forwarded-proto']} ${req.url}`));
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  t.after(async () => {
    backend.close();
    await nginx.stop();
  });
  const roots = { allowedRoots: [nginx.facts.confDir, nginx.facts.certDir] };
  const cert = selfSigned(['shop.test', 'www.shop.test']);

  // issue v1 and deploy it: key 0600, certificate 0644
  const v1 = await ensureCertificate(cert, { store });
  assert.deepEqual({ version: v1.version, issued: v1.issued, sans: v1.sans }, { version: 1, issued: true, sans: ['shop.test', 'www.shop.test'] });
  assert.equal((await ensureCertificate(cert, { store })).issued, false, 'a valid certificate is not re-issued');
  const spec1 = filesSpec(nginx, v1.version, v1.fingerprint);
  assert.equal((await deployCertificate(await payloadFor(store, spec1, nginx), roots)).outcome, 'configured');
  assert.equal((await stat(spec1.keyPath)).mode & 0o777, 0o600);
  assert.equal((await stat(spec1.certPath)).mode & 0o777, 0o644);
  await nginx.waitForReloads(1);

  const content = renderNginxSite({
    site: 'shop',
    hosts: ['shop.test', 'www.shop.test'],
    rules: [{ application: 'app', port: 'http' }],
    backends: [
      {
        application: 'app',
        port: 'http',
        endpoints: [{ node: 'n', host: '127.0.0.1', port: (backend.address() as { port: number }).port, version: 'v1', healthy: true }],
      },
    ],
    tls: { certPath: spec1.certPath, keyPath: spec1.keyPath },
    facts: nginx.facts,
    marker: 'm',
  });
  await deployNginxSite(
    { siteName: 'shop', targetPath: sitePath(nginx.facts, 'shop'), content, testCommand: nginx.facts.testCommand, reloadCommand: nginx.facts.reloadCommand },
    roots,
  );
  await nginx.waitForReloads(2);

  // HTTPS verifies against the certificate as CA for its SAN; another name is refused
  const pem1 = (await loadCertificateMaterial(store, 'shop-cert'))!.certPem;
  const agent = (servername: string) => new Agent({ connect: { ca: pem1, servername } });
  const res = await request(`https://127.0.0.1:${nginx.facts.httpsPort}/hello`, { headers: { host: 'www.shop.test' }, dispatcher: agent('www.shop.test') });
  assert.equal(res.statusCode, 200);
  assert.equal(await res.body.text(), 'app https /hello');
  // (undici takes the SNI name from the Host header, so both say evil.test)
  await assert.rejects(
    request(`https://127.0.0.1:${nginx.facts.httpsPort}/`, { headers: { host: 'evil.test' }, dispatcher: agent('evil.test') }),
    /altnames|ERR_TLS_CERT_ALTNAME_INVALID/,
  );
  // plain HTTP redirects to HTTPS, but ACME tokens are served from the webroot
  const redirect = await request(`http://127.0.0.1:${nginx.facts.httpPort}/a?b=1`, { headers: { host: 'shop.test' } });
  assert.equal(redirect.statusCode, 308);
  assert.equal(redirect.headers.location, `https://shop.test:${nginx.facts.httpsPort}/a?b=1`);
  await redirect.body.dump();

  // same version again: nothing written, no reload
  assert.equal((await deployCertificate(await payloadFor(store, spec1, nginx), roots)).outcome, 'unchanged');

  // 100 days later the 90-day certificate is inside the renewal window: v2, new fingerprint, served
  const later = new Date(Date.now() + 100 * 86_400_000);
  const v2 = await ensureCertificate(cert, { store, now: () => later });
  assert.equal(v2.version, 2);
  assert.match(v2.reason!, /expires in 0 day\(s\)/);
  assert.notEqual(v2.fingerprint, v1.fingerprint);
  const spec2 = filesSpec(nginx, v2.version, v2.fingerprint);
  assert.equal((await deployCertificate(await payloadFor(store, spec2, nginx), roots)).fingerprint, v2.fingerprint);
  await nginx.waitForReloads(3);
  const pem2 = (await loadCertificateMaterial(store, 'shop-cert', 2))!.certPem;
  assert.equal(await servedFingerprint(nginx.facts.httpsPort, 'shop.test', pem2), v2.fingerprint);
  assert.equal(await readServedCertificateFingerprint(spec2.certPath), v2.fingerprint);

  // status: SANs, expiry, the version each node serves; a node still on v1 is drift
  const rows = await certificateStatus(
    store,
    [{ name: cert.name, domains: cert.domains }],
    () => ['edge-a', 'edge-b'],
    (_c, n) => (n === 'edge-a' ? v2.fingerprint : v1.fingerprint),
    later,
  );
  assert.deepEqual(rows[0].nodes, [
    { node: 'edge-a', servedFingerprint: v2.fingerprint, servedVersion: 2, drift: false },
    { node: 'edge-b', servedFingerprint: v1.fingerprint, servedVersion: 1, drift: true },
  ]);
  assert.deepEqual(
    { version: rows[0].version, sans: rows[0].sans, issuer: rows[0].issuer },
    { version: 2, sans: ['shop.test', 'www.shop.test'], issuer: 'selfSigned' },
  );

  // changing the domains re-issues at once
  const v3 = await ensureCertificate(selfSigned(['shop.test']), { store, now: () => later });
  assert.deepEqual({ version: v3.version, sans: v3.sans, reason: v3.reason }, { version: 3, sans: ['shop.test'], reason: 'domains or issuer changed' });
});

test('file issuer: PEMs from files are versioned when they change; a foreign key is refused', async (t) => {
  const dir = await tempDir(t);
  const store = openSqliteStore(join(dir, 'state.db'));
  t.after(() => store.close());
  const a = await generateSelfSigned(['files.test'], 30);
  const b = await generateSelfSigned(['files.test'], 30);
  await writeFile(join(dir, 'tls.crt'), a.certPem);
  await writeFile(join(dir, 'tls.key'), a.keyPem);
  const resolveSecret = async (s: SecretSource) => readFile(join(dir, s.file!), 'utf8');
  const cert: CertificateSpec = {
    name: 'files',
    domains: ['files.test'],
    issuer: { file: { certFrom: { file: 'tls.crt' }, keyFrom: { file: 'tls.key' } } },
    renewBeforeDays: 30,
    challengeTargets: [],
  };

  const first = await ensureCertificate(cert, { store, resolveSecret });
  assert.deepEqual({ version: first.version, reason: first.reason }, { version: 1, reason: 'first load' });
  assert.equal((await ensureCertificate(cert, { store, resolveSecret })).issued, false);
  await writeFile(join(dir, 'tls.crt'), b.certPem);
  await assert.rejects(
    ensureCertificate(cert, { store, resolveSecret }),
    (e: unknown) => e instanceof UserError && /Certificate\/files: issuer.file private key does not match the certificate/.test(e.message),
  );
  await writeFile(join(dir, 'tls.key'), b.keyPem);
  const second = await ensureCertificate(cert, { store, resolveSecret });
  assert.deepEqual({ version: second.version, reason: second.reason }, { version: 2, reason: 'certificate file changed' });
});

test('private keys are sealed in the store when a state key is set', async (t) => {
  const dir = await tempDir(t);
  const store = openSqliteStore(join(dir, 'state.db'));
  t.after(() => store.close());
  const cert = selfSigned(['sealed.test']);
  await ensureCertificate(cert, { store, secretKey: 'correct horse' });
  const raw = (await store.getKv(certificatesNamespace, 'shop-cert'))!;
  assert.doesNotMatch(raw, /PRIVATE KEY/);
  assert.match(raw, /aes-256-gcm/);
  assert.match((await loadCertificateMaterial(store, 'shop-cert', undefined, { secretKey: 'correct horse' }))!.keyPem, /BEGIN PRIVATE KEY/);
  await assert.rejects(loadCertificateMaterial(store, 'shop-cert', undefined, { secretKey: 'wrong' }));
  await assert.rejects(loadCertificateMaterial(store, 'shop-cert', 1, {}), /set BOREAS_STATE_KEY/);
});

test('the certificates target: issuing and renewing are planned changes; observing only reads the store', async (t) => {
  const dir = await tempDir(t);
  const store = openSqliteStore(join(dir, 'state.db'));
  t.after(() => store.close());
  const target = new CertificatesTarget('certificates', testTargetContext({ store, stateDir: dir }));
  const resource = (spec: CertificateSpec): CertificateResource => ({
    id: `certificates/Certificate/${spec.name}`,
    target: 'certificates',
    kind: 'Certificate',
    owner: `Certificate/${spec.name}`,
    environment: 'dev',
    name: spec.name,
    spec,
    hash: hashJson(spec),
    dependsOn: [],
  });
  const cert = resource(selfSigned(['shop.test'], 90));
  const before = store.rowsWritten();
  const [missing] = await target.observe([cert]);
  assert.deepEqual([missing.state, missing.pending], ['absent', 'issue certificate shop-cert for shop.test']);
  assert.equal(store.rowsWritten(), before, 'observing writes nothing');

  const issued = await target.apply({ key: 'k1', revision: 'r', resourceId: cert.id, target: cert.target, action: 'create', resource: cert, dependsOn: [] });
  assert.equal(issued.outcome, 'created');
  assert.match(issued.message!, /issued certificate shop-cert version 1/);
  const [present] = await target.observe([cert]);
  assert.deepEqual([present.state, present.appliedHash, present.drift, present.details?.version], ['present', cert.hash, undefined, 1]);

  // A certificate is issued at most once per run: the next run (a new target) sees the renewal window.
  const nextRun = new CertificatesTarget('certificates', testTargetContext({ store, stateDir: dir }));
  const urgent = resource({ ...selfSigned(['shop.test'], 90), renewBeforeDays: 60 });
  const [due] = await nextRun.observe([urgent]);
  assert.equal(due.appliedHash, urgent.hash, 'renewBeforeDays alone re-issues nothing until the window is reached');
  assert.equal(due.drift, undefined);
  const shortLived = resource(selfSigned(['shop.test'], 90));
  await store.setKv(
    'certificates',
    'shop-cert',
    // The 90-day certificate two days before its end.
    JSON.stringify({
      ...JSON.parse((await store.getKv('certificates', 'shop-cert'))!),
      notBefore: new Date(Date.now() - 88 * 86_400_000).toISOString(),
      notAfter: new Date(Date.now() + 2 * 86_400_000).toISOString(),
    }),
  );
  const [sameRun] = await target.observe([shortLived]);
  assert.equal(sameRun.drift, undefined, 'not renewed twice in the run that issued it');
  const [renew] = await nextRun.observe([shortLived]);
  assert.match(renew.pending!, /^renew certificate shop-cert for shop\.test: expires in [12] day\(s\), renewBeforeDays 30$/);
  // Other domains: a new certificate, shown with the fields that changed.
  const [other] = await nextRun.observe([resource(selfSigned(['shop.test', 'www.shop.test']))]);
  assert.equal(other.appliedHash, undefined);
  assert.match(other.pending!, /domains or issuer changed/);
});
