// RenderAndDeployNginx / DeployCertificate / RemoveNginxSite through a real agent into a real nginx:
// the site goes live after `nginx -t` and a reload, a refused site never goes live, the agent's own
// test/reload commands are used (not the payload's), and the agent target observes the site.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, inProcessAgent } from '../helpers/agent.js';
import { nginxUnavailable, startNginx } from '../helpers/nginx.js';
import { createAgentTargetFactory } from '../../src/targets/agent/index.js';
import { reportedNginxFacts } from '../../src/targets/agent/offline.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { resolveSecret } from '../../src/secrets/index.js';
import { hashJson } from '../../src/util/hash.js';
import { silentLogger } from '../../src/util/logger.js';
import type { DesiredResource } from '../../src/model/resource.js';

const skip = nginxUnavailable();

const site = (port: number, body: string) => `server {\n    listen 127.0.0.1:${port};\n    location / { return 200 "${body}\\n"; }\n}\n`;

test('nginx site and certificate tasks through the agent', { skip }, async (t) => {
  const nginx = await startNginx();
  t.after(() => nginx.stop());
  const f = nginx.facts;
  const { agent, dirs, stop } = await inProcessAgent('edge', {
    nginxConfDir: f.confDir,
    nginxCertDir: f.certDir,
    nginxWebroot: f.webroot,
    nginxTestCommand: f.testCommand,
    nginxReloadCommand: f.reloadCommand,
    nginxHttpPort: f.httpPort,
  });
  t.after(stop);
  const task = (taskId: string, type: string, payload: object, resource?: object) =>
    call(agent.url, dirs.token, 'POST', '/v1/tasks', { taskId, type, payload, ...(resource ? { resource } : {}) });

  // A payload's testCommand is ignored: the node's own command (nginx -t of this nginx) decides.
  const deployed = await task('s1', 'RenderAndDeployNginx', { siteName: 'shop', content: site(f.httpPort, 'hello'), testCommand: ['/bin/false'] });
  assert.equal(deployed.json.status, 'succeeded', deployed.json.errorMessage);
  assert.equal(deployed.json.outcome, 'configured');
  await nginx.waitForReloads(1);
  assert.equal(existsSync(join(f.confDir, 'shop.conf')), true);

  const refused = await task('s2', 'RenderAndDeployNginx', { siteName: 'shop', content: 'server { bogus_directive on; }\n' });
  assert.equal(refused.json.status, 'failed');
  assert.match(refused.json.errorMessage, /nginx refused site shop; previous config kept: .*bogus_directive/);
  assert.match(readFileSync(join(f.confDir, 'shop.conf'), 'utf8'), /hello/);
  const outside = await task('s3', 'RenderAndDeployNginx', { siteName: 'evil', targetPath: join(dirs.root, 'evil.conf'), content: site(1, 'x') });
  assert.equal(outside.json.status, 'failed');

  // Certificate: key 0600, cert 0644, under the cert dir; elsewhere refused.
  const pki = mkdtempSync(join(tmpdir(), 'boreas-pki-'));
  t.after(() => rmSync(pki, { recursive: true, force: true }));
  const gen = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(pki, 'k.pem'), '-out', join(pki, 'c.pem'), '-days', '1', '-subj', '/CN=shop.example.com'],
    { stdio: 'ignore' },
  );
  if (gen.status !== 0) return t.skip('openssl could not make a test certificate');
  const certPem = readFileSync(join(pki, 'c.pem'), 'utf8');
  const keyPem = readFileSync(join(pki, 'k.pem'), 'utf8');
  const certPath = join(f.certDir, 'shop.crt');
  const keyPath = join(f.certDir, 'shop.key');
  const cert = await task(
    'c1',
    'DeployCertificate',
    { name: 'shop', certPem, keyPem, certPath, keyPath },
    { id: 'agent:edge/CertificateFiles/shop', kind: 'CertificateFiles', hash: 'ch1' },
  );
  assert.equal(cert.json.status, 'succeeded', cert.json.errorMessage);
  assert.equal(statSync(keyPath).mode & 0o777, 0o600);
  assert.equal(statSync(certPath).mode & 0o777, 0o644);
  assert.equal(JSON.stringify(cert.json).includes('PRIVATE KEY'), false, 'the key is not echoed');
  const badCert = await task('c2', 'DeployCertificate', {
    name: 'shop',
    certPem,
    keyPem,
    certPath: join(dirs.root, 'x.crt'),
    keyPath: join(dirs.root, 'x.key'),
  });
  assert.equal(badCert.json.status, 'failed');
  const certObs = (
    await call(agent.url, dirs.token, 'POST', '/v1/observe', { resources: [{ id: 'agent:edge/CertificateFiles/shop', kind: 'CertificateFiles' }] })
  ).json.observations[0];
  assert.equal(certObs.exists, true);
  assert.equal(certObs.appliedHash, 'ch1');

  // The controller side: an NginxSite resource observed through the agent target; facts are recorded.
  process.env.BOREAS_TEST_EDGE_TOKEN = dirs.token;
  const store = openSqliteStore(':memory:');
  const target = await createAgentTargetFactory(() => ({ address: agent.url.replace('http://', ''), tokenFrom: { env: 'BOREAS_TEST_EDGE_TOKEN' } })).create(
    'agent:edge',
    { store, log: silentLogger, stateDir: '/x', repoDir: '/x', resolveSecret },
  );
  t.after(() => target.close?.());
  const spec = {
    siteName: 'shop',
    targetPath: join(f.confDir, 'shop.conf'),
    content: site(f.httpPort, 'hello'),
    testCommand: f.testCommand,
    reloadCommand: f.reloadCommand,
  };
  const r: DesiredResource = {
    id: 'agent:edge/NginxSite/shop',
    target: 'agent:edge',
    kind: 'NginxSite',
    owner: 'Ingress/shop',
    environment: 'edge',
    name: 'shop',
    spec,
    hash: hashJson(spec),
    dependsOn: [],
  };
  const [obs] = await target.observe([r]);
  assert.equal(obs.exists, true);
  assert.deepEqual(obs.drift ?? [], []);
  assert.deepEqual(reportedNginxFacts(store)('edge'), {
    httpPort: f.httpPort,
    httpsPort: 443,
    confDir: f.confDir,
    certDir: f.certDir,
    webroot: f.webroot,
    testCommand: f.testCommand,
    reloadCommand: f.reloadCommand,
  });
  const removed = await target.apply({ key: 'rm-1', revision: 'r', resourceId: r.id, target: r.target, action: 'delete', resource: r, dependsOn: [] });
  assert.equal(removed.outcome, 'deleted');
  assert.equal(existsSync(join(f.confDir, 'shop.conf')), false);
  assert.equal((await target.observe([r]))[0].exists, false);
});
