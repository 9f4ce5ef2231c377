// ACME for real: pebble issues through acme-client, http-01 answered by the edge nginx from its
// webroot, the certificate deployed to two edge nginx instances, renewed inside the window and the
// new one served by both; dns-01 through a hook command that sets TXT records in challtestsrv.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:tls';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { mkdir, rm as remove } from 'node:fs/promises';
import type { CertificateSpec } from '../../src/model/edge-specs.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { certificatePayload, ensureCertificate, loadCertificateMaterial } from '../../src/targets/certificates/index.js';
import { certificatePaths, sitePath } from '../../src/desired/ingress/paths.js';
import { renderNginxSite } from '../../src/desired/ingress/nginx-render.js';
import { deployCertificate, deployNginxSite } from '../../src/runtime/nginx/index.js';
import { freePort, nginxUnavailable, startNginx, type TestNginx } from '../helpers/nginx.js';
import { pebbleUnavailable, startPebble } from '../helpers/pebble.js';

const skip = nginxUnavailable() ?? pebbleUnavailable();

/** Writes http-01 tokens into local webroots (what the edges' PublishChallenge tasks do on their nodes). */
function webrootChallenges(webroots: string[]) {
  const file = (root: string, token: string) => join(root, '.well-known', 'acme-challenge', token);
  return {
    publishChallenge: async (token: string, content: string) => {
      for (const r of webroots) {
        await mkdir(join(r, '.well-known', 'acme-challenge'), { recursive: true });
        await writeFile(file(r, token), content);
      }
    },
    removeChallenge: async (token: string) => {
      for (const r of webroots) await remove(file(r, token), { force: true });
    },
  };
}

function servedFingerprint(port: number, servername: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, servername, ca }, () => {
      resolve(s.getPeerCertificate().fingerprint256.replace(/:/g, '').toLowerCase());
      s.end();
    });
    s.once('error', reject);
  });
}

async function deployTo(nginx: TestNginx, store: ReturnType<typeof openSqliteStore>, version: number, fingerprint: string, backendPort: number) {
  const paths = certificatePaths(nginx.facts, 'shop-cert');
  const roots = { allowedRoots: [nginx.facts.confDir, nginx.facts.certDir] };
  const cert = await deployCertificate(
    {
      ...(await certificatePayload(store, { certificate: 'shop-cert', node: 'edge', version, fingerprint, ...paths })),
      reloadCommand: nginx.facts.reloadCommand,
      testCommand: nginx.facts.testCommand,
    },
    roots,
  );
  const content = renderNginxSite({
    site: 'shop',
    hosts: ['shop.test'],
    rules: [{ application: 'app', port: 'http' }],
    backends: [{ application: 'app', port: 'http', endpoints: [{ node: 'n', host: '127.0.0.1', port: backendPort, version: 'v1', healthy: true }] }],
    tls: paths,
    facts: nginx.facts,
    marker: 'm',
  });
  const site = await deployNginxSite(
    { siteName: 'shop', targetPath: sitePath(nginx.facts, 'shop'), content, testCommand: nginx.facts.testCommand, reloadCommand: nginx.facts.reloadCommand },
    roots,
  );
  return [cert.outcome, site.outcome];
}

test('ACME http-01 via edge nginx: issue, deploy to two edges, renew in the window, new cert served', { skip, timeout: 120_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'boreas-acme-'));
  const store = openSqliteStore(join(dir, 'state.db'));
  const edgeA = await startNginx();
  const edgeB = await startNginx();
  const pebble = await startPebble({ httpPort: edgeA.facts.httpPort });
  const backend = createServer((req, res) => res.end(`app over ${req.headers['x-forwarded-proto']}`));
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  const backendPort = (backend.address() as { port: number }).port;
  t.after(async () => {
    backend.close();
    await pebble.stop();
    await edgeA.stop();
    await edgeB.stop();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const cert: CertificateSpec = {
    name: 'shop-cert',
    domains: ['shop.test'],
    issuer: { acme: { directory: pebble.directory, email: 'ops@shop.test', challenge: 'http-01' } },
    renewBeforeDays: 1,
    challengeTargets: [],
  };
  const published: string[] = [];
  const webroots = webrootChallenges([edgeA.facts.webroot, edgeB.facts.webroot]);
  const challenges = {
    publishChallenge: async (token: string, content: string) => (published.push(token), webroots.publishChallenge(token, content)),
    removeChallenge: (token: string) => webroots.removeChallenge(token),
  };
  const deps = { store, challenges, acmeDirectoryCaPem: pebble.listenerCaPem };

  // 1. first issuance: no site yet; the node's catch-all server answers the http-01 token
  const v1 = await ensureCertificate(cert, deps);
  assert.deepEqual(
    { version: v1.version, issued: v1.issued, sans: v1.sans, reason: v1.reason },
    { version: 1, issued: true, sans: ['shop.test'], reason: 'not issued yet' },
  );
  assert.ok(published.length >= 1, 'the http-01 token went through the publisher');
  const account = await store.getKv('acme', `account:${pebble.directory}:ops@shop.test`);
  assert.match(account!, /"url":"https:\/\/127\.0\.0\.1/);
  assert.equal((await ensureCertificate(cert, deps)).issued, false, 'far from expiry: no new order');

  // 2. deploy to both edges; HTTPS verifies against pebble's issuing root
  const root = await pebble.issuingRootPem();
  for (const edge of [edgeA, edgeB]) assert.deepEqual(await deployTo(edge, store, v1.version, v1.fingerprint, backendPort), ['configured', 'configured']);
  await edgeA.waitForReloads(2);
  await edgeB.waitForReloads(2);
  for (const edge of [edgeA, edgeB]) {
    const res = await request(`https://127.0.0.1:${edge.facts.httpsPort}/`, {
      headers: { host: 'shop.test' },
      dispatcher: new Agent({ connect: { ca: root } }),
    });
    assert.equal(await res.body.text(), 'app over https');
    assert.equal(await servedFingerprint(edge.facts.httpsPort, 'shop.test', root), v1.fingerprint);
  }

  // 3. renewBeforeDays beyond the whole validity (pebble's certificates live 5 years) is not "always
  // due": the window is a third of the life, so this run issues nothing.
  assert.equal((await ensureCertificate({ ...cert, renewBeforeDays: 100_000 }, deps)).issued, false, 'no renewal on every run');
  // 4. inside the window (the clock at 12 hours before expiry): renewed (token served by the site now)
  const nearExpiry = { ...deps, now: () => new Date(Date.parse(v1.notAfter) - 12 * 3_600_000) };
  const v2 = await ensureCertificate(cert, nearExpiry);
  assert.equal(v2.version, 2);
  assert.match(v2.reason!, /^expires in 0 day\(s\), renewBeforeDays 1$/);
  assert.notEqual(v2.fingerprint, v1.fingerprint);
  assert.equal(await store.getKv('acme', `account:${pebble.directory}:ops@shop.test`), account, 'the stored account is reused');
  for (const edge of [edgeA, edgeB]) assert.deepEqual(await deployTo(edge, store, v2.version, v2.fingerprint, backendPort), ['configured', 'unchanged']);
  await edgeA.waitForReloads(3);
  await edgeB.waitForReloads(3);
  for (const edge of [edgeA, edgeB]) assert.equal(await servedFingerprint(edge.facts.httpsPort, 'shop.test', root), v2.fingerprint);
  assert.match(
    (await loadCertificateMaterial(store, 'shop-cert', 2))!.certPem,
    /END CERTIFICATE-----\s*-----BEGIN CERTIFICATE/,
    'chain includes the intermediate',
  );
});

test('ACME dns-01 through the configured hook command', { skip, timeout: 120_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'boreas-acme-dns-'));
  const store = openSqliteStore(join(dir, 'state.db'));
  const pebble = await startPebble({ httpPort: 1 });
  t.after(async () => {
    await pebble.stop();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  // The hook: `hook add|remove <domain> <record-name> <value>` → challtestsrv TXT records.
  const hook = join(dir, 'dns-hook.mjs');
  await writeFile(
    hook,
    `
    import { appendFileSync } from 'node:fs';
    const [action, domain, record, value] = process.argv.slice(2);
    appendFileSync(${JSON.stringify(join(dir, 'hook.log'))}, [action, domain, record].join(' ') + '\\n');
    const path = action === 'add' ? '/set-txt' : '/clear-txt';
    const res = await fetch(${JSON.stringify(pebble.challtestsrv)} + path, { method: 'POST', body: JSON.stringify({ host: record + '.', value }) });
    if (!res.ok) { console.error('challtestsrv said', res.status); process.exit(1); }
  `,
  );
  const cert: CertificateSpec = {
    name: 'dns-cert',
    domains: ['api.dns.test'],
    issuer: { acme: { directory: pebble.directory, email: 'ops@dns.test', challenge: 'dns-01', dnsHook: [process.execPath, hook] } },
    renewBeforeDays: 30,
    challengeTargets: [],
  };
  const v1 = await ensureCertificate(cert, { store, acmeDirectoryCaPem: pebble.listenerCaPem });
  assert.deepEqual({ version: v1.version, sans: v1.sans }, { version: 1, sans: ['api.dns.test'] });
  assert.equal(
    await readFile(join(dir, 'hook.log'), 'utf8'),
    'add api.dns.test _acme-challenge.api.dns.test\nremove api.dns.test _acme-challenge.api.dns.test\n',
  );
});

test('an ACME directory that refuses connections or does not speak TLS fails at once, naming the directory and the cause', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'boreas-acme-down-'));
  const store = openSqliteStore(join(dir, 'state.db'));
  // A plain HTTP listener where an https:// directory is expected.
  const plain = createServer((_q, s) => s.end('not acme'));
  await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
  t.after(async () => {
    plain.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  const closed = await freePort();
  const cert = (directory: string): CertificateSpec => ({
    name: 'down-cert',
    domains: ['down.test'],
    renewBeforeDays: 30,
    challengeTargets: [],
    issuer: { acme: { directory, email: 'ops@down.test', challenge: 'http-01' } },
  });
  const challenges = webrootChallenges([dir]);
  const closedUrl = `https://127.0.0.1:${closed}/dir`;
  await assert.rejects(ensureCertificate(cert(closedUrl), { store, challenges }), (err: Error) => {
    assert.equal(err.message, `Certificate/down-cert: ACME directory ${closedUrl} cannot be reached: connect ECONNREFUSED 127.0.0.1:${closed}`);
    return true;
  });
  const plainUrl = `https://127.0.0.1:${(plain.address() as AddressInfo).port}/dir`;
  await assert.rejects(ensureCertificate(cert(plainUrl), { store, challenges }), (err: Error) => {
    assert.match(
      err.message,
      new RegExp(`^Certificate/down-cert: ACME directory ${plainUrl.replace(/[./]/g, '\\$&')} cannot be reached: .*(EPROTO|wrong version number)`),
    );
    return true;
  });
  assert.equal((await store.listKv('certificates')).size, 0, 'nothing stored');
});
