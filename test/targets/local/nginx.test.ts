// The local target's edge kinds against a real nginx: NginxSite (deploy, unchanged = no reload, hand
// edit = drift, refused config keeps the old file, delete) and CertificateFiles (PEMs from the store,
// served fingerprint vs desired = drift), plus the BOREAS_NGINX_* facts parsing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import type { DesiredResource, Json } from '../../../src/model/resource.js';
import type { Task } from '../../../src/model/plan.js';
import { UserError } from '../../../src/model/errors.js';
import { openSqliteStore } from '../../../src/store/index.js';
import { LocalTarget } from '../../../src/targets/local/index.js';
import { localNginxFacts } from '../../../src/targets/local/nginx.js';
import { ensureCertificate, generateSelfSigned } from '../../../src/targets/certificates/index.js';
import { certificatePaths, defaultNginxFacts, sitePath, type NginxNodeFacts } from '../../../src/targets/nginx/facts.js';
import type { CertificateFilesSpec, NginxSiteSpec } from '../../../src/targets/nginx/specs.js';
import { hashJson } from '../../../src/util/hash.js';
import { createLogger } from '../../../src/util/logger.js';
import { nginxUnavailable, startNginx } from '../../helpers/nginx.js';

test('BOREAS_NGINX_* facts: defaults, overrides, argv split on whitespace, clear errors', () => {
  assert.deepEqual(localNginxFacts({}), defaultNginxFacts);
  const f = localNginxFacts({
    BOREAS_NGINX_CONF_DIR: '/srv/nginx/sites/',
    BOREAS_NGINX_HTTP_PORT: '8080',
    BOREAS_NGINX_HTTPS_PORT: ' 8443 ',
    BOREAS_NGINX_LISTEN: '127.0.0.1',
    BOREAS_NGINX_TEST_COMMAND: '/usr/sbin/nginx  -t -q',
    BOREAS_NGINX_RELOAD_COMMAND: 'sudo -n systemctl reload nginx',
  });
  assert.equal(f.confDir, '/srv/nginx/sites');
  assert.equal(f.certDir, defaultNginxFacts.certDir);
  assert.deepEqual([f.httpPort, f.httpsPort, f.listenAddress], [8080, 8443, '127.0.0.1']);
  assert.deepEqual(f.testCommand, ['/usr/sbin/nginx', '-t', '-q']);
  assert.deepEqual(f.reloadCommand, ['sudo', '-n', 'systemctl', 'reload', 'nginx']);
  assert.throws(
    () => localNginxFacts({ BOREAS_NGINX_HTTP_PORT: '80a' }),
    (e: Error) => e instanceof UserError && /BOREAS_NGINX_HTTP_PORT: "80a" is not a TCP port/.test(e.message),
  );
  assert.throws(() => localNginxFacts({ BOREAS_NGINX_CERT_DIR: 'certs' }), /BOREAS_NGINX_CERT_DIR: "certs" must be an absolute path/);
  assert.throws(() => localNginxFacts({ BOREAS_NGINX_LISTEN: '1.2.3.4; evil' }), /not an IP address/);
});

function resource(kind: 'NginxSite' | 'CertificateFiles', name: string, spec: NginxSiteSpec | CertificateFilesSpec): DesiredResource {
  return {
    id: `local/${kind}/${name}`,
    target: 'local',
    kind,
    owner: `${kind === 'NginxSite' ? 'Ingress' : 'Certificate'}/${name}`,
    environment: 'dev',
    name,
    spec: spec as unknown as Json,
    hash: hashJson(spec),
    dependsOn: [],
  };
}

const task = (r: DesiredResource, action: Task['action'] = 'create'): Task =>
  ({ key: `k-${r.hash.slice(0, 8)}-${action}`, revision: 'r', resourceId: r.id, target: 'local', action, resource: r }) as Task;

function envFor(f: NginxNodeFacts): Record<string, string> {
  return {
    BOREAS_NGINX_CONF_DIR: f.confDir,
    BOREAS_NGINX_CERT_DIR: f.certDir,
    BOREAS_NGINX_WEBROOT: f.webroot,
    BOREAS_NGINX_TEST_COMMAND: f.testCommand.join(' '),
    BOREAS_NGINX_RELOAD_COMMAND: f.reloadCommand.join(' '),
  };
}

test('local NginxSite and CertificateFiles against a real nginx', { timeout: 60_000 }, async (t) => {
  const why = nginxUnavailable();
  if (why) return t.skip(why);
  const nginx = await startNginx();
  const dir = await mkdtemp(join(tmpdir(), 'boreas-local-nginx-'));
  const store = openSqliteStore(join(dir, 'state.db'));
  const saved = { ...process.env };
  t.after(async () => {
    process.env = saved;
    store.close();
    await nginx.stop();
    await rm(dir, { recursive: true, force: true });
  });
  Object.assign(process.env, envFor(nginx.facts));
  const target = new LocalTarget('local', { store, log: createLogger({ level: 'error' }), stateDir: dir, repoDir: dir, resolveSecret: async () => '' });
  const f = nginx.facts;

  // Site: created → applied; the same content again → unchanged without a reload.
  const content = `server {\n    listen 127.0.0.1:${f.httpPort};\n    server_name a.test;\n    location / { return 200 "site a\\n"; }\n}\n`;
  const siteSpec: NginxSiteSpec = { siteName: 'a', targetPath: sitePath(f, 'a'), content, testCommand: f.testCommand, reloadCommand: f.reloadCommand };
  const site = resource('NginxSite', 'a', siteSpec);
  assert.equal((await target.observe([site]))[0].exists, false);
  assert.equal((await target.apply(task(site))).outcome, 'configured');
  await nginx.waitForReloads(1);
  const res = await request(`http://127.0.0.1:${f.httpPort}/`, { headers: { host: 'a.test' } });
  assert.equal(await res.body.text(), 'site a\n');
  const [obs] = await target.observe([site]);
  assert.deepEqual([obs.exists, obs.appliedHash, obs.health.status], [true, site.hash, 'Healthy']);
  assert.equal((await target.apply(task(site, 'update'))).outcome, 'unchanged');
  assert.equal(await nginx.reloads(), 1);

  // Edited by hand: drift, no appliedHash (the planner decides update vs repair from the inventory).
  await writeFile(siteSpec.targetPath, content.replace('site a', 'hacked'));
  const [edited] = await target.observe([site]);
  assert.equal(edited.appliedHash, undefined);
  assert.match(edited.drift!.join(), /differs from the rendered site/);
  assert.equal((await target.health(site)).level, 50);
  await target.apply(task(site, 'repair'));
  await nginx.waitForReloads(2);

  // Refused by nginx: failed outcome with nginx's text, no retry material, the old file is back.
  const broken = resource('NginxSite', 'a', { ...siteSpec, content: content.replace('return 200', 'retrun 200') });
  const refused = await target.apply(task(broken, 'update'));
  assert.equal(refused.outcome, 'failed');
  assert.match(refused.message!, /nginx refused site a; previous config kept: .*unknown directive "retrun"/);
  assert.equal(await readFile(siteSpec.targetPath, 'utf8'), content);
  assert.equal(await nginx.reloads(), 2);

  // Certificate: version 1 from the store → files written with their modes; served fp = desired.
  const ensured = await ensureCertificate(
    { apiVersion: 'boreas.dev/v1', kind: 'Certificate', metadata: { name: 'a-cert' }, spec: { domains: ['a.test'], issuer: { selfSigned: { days: 90 } } } },
    { store },
  );
  const paths = certificatePaths(f, 'a-cert');
  const certSpec: CertificateFilesSpec = {
    certificate: 'a-cert',
    version: ensured.version,
    fingerprint: ensured.fingerprint,
    ...paths,
    reloadCommand: f.reloadCommand,
    testCommand: f.testCommand,
  };
  const cert = resource('CertificateFiles', 'a-cert', certSpec);
  assert.equal((await target.apply(task(cert))).outcome, 'configured');
  const [served] = await target.observe([cert]);
  assert.deepEqual(
    [served.appliedHash, served.fingerprint, served.details?.servedFingerprint],
    [cert.hash, `cert:${ensured.fingerprint}`, ensured.fingerprint],
  );
  assert.equal(statSync(paths.keyPath).mode & 0o777, 0o600);
  assert.equal(statSync(paths.certPath).mode & 0o777, 0o644);
  assert.equal((await target.apply(task(cert, 'update'))).outcome, 'unchanged');

  // Another certificate on disk is drift; not-yet-issued (version 0) fails clearly.
  await writeFile(paths.certPath, (await generateSelfSigned(['a.test'], 1)).certPem);
  const [drift] = await target.observe([cert]);
  assert.equal(drift.appliedHash, undefined);
  assert.match(drift.drift!.join(), /desired version 1/);
  const pending = await target.apply(task(resource('CertificateFiles', 'a-cert', { ...certSpec, version: 0, fingerprint: 'pending' })));
  assert.deepEqual([pending.outcome, /not been issued yet/.test(pending.message!)], ['failed', true]);

  // Delete: the site goes (nginx reloaded), then the certificate files.
  assert.equal((await target.apply(task(site, 'delete'))).outcome, 'deleted');
  assert.equal((await target.observe([site]))[0].exists, false);
  assert.equal((await target.apply(task(cert, 'delete'))).outcome, 'deleted');
  assert.equal((await target.observe([cert]))[0].exists, false);
});
