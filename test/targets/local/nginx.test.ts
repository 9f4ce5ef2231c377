// The local target's edge kinds against a real nginx: NginxSite (deploy, unchanged = no reload, hand
// edit = drift, refused config keeps the old file, healthy only once nginx serves the new config,
// delete) and CertificateFiles (PEMs from the store, served fingerprint vs desired = drift). The edge
// on this machine is declared by a local Environment's spec.nginx, never by the shell.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { request } from 'undici';
import { certificatePaths, sitePath } from '../../../src/desired/ingress/paths.js';
import { defaultNginxFacts, type NginxNodeFacts, nginxFactsOf } from '../../../src/model/edge-specs.js';
import type { Environment } from '../../../src/model/manifest-types.generated.js';
import type { CertificateFilesResource, NginxSiteResource } from '../../../src/model/resource.js';
import { probeNginxSite } from '../../../src/runtime/nginx/index.js';
import { openSqliteStore } from '../../../src/store/index.js';
import { ensureCertificate, generateSelfSigned } from '../../../src/targets/certificates/index.js';
import type { TargetScope } from '../../../src/targets/target.js';
import { hashJson } from '../../../src/util/hash.js';
import { nginxUnavailable, startNginx } from '../../helpers/nginx.js';
import { localTarget, task } from './helpers.js';

test('spec.nginx of a local Environment: defaults filled in, nothing from BOREAS_NGINX_*', () => {
  process.env.BOREAS_NGINX_CONF_DIR = '/must/not/matter';
  try {
    assert.deepEqual(nginxFactsOf({ confDir: '/srv/sites' }), { ...defaultNginxFacts, confDir: '/srv/sites' });
    assert.deepEqual(
      nginxFactsOf({
        confDir: '/c',
        certDir: '/k',
        webroot: '/w',
        httpPort: 8080,
        httpsPort: 8443,
        listen: '127.0.0.1',
        testCommand: ['t'],
        reloadCommand: ['r', '-s'],
      }),
      {
        confDir: '/c',
        certDir: '/k',
        webroot: '/w',
        httpPort: 8080,
        httpsPort: 8443,
        listenAddress: '127.0.0.1',
        testCommand: ['t'],
        reloadCommand: ['r', '-s'],
      },
    );
  } finally {
    delete process.env.BOREAS_NGINX_CONF_DIR;
  }
});

function scopeFor(f: NginxNodeFacts): TargetScope {
  const env: Environment = {
    apiVersion: 'boreas.dev/v1',
    kind: 'Environment',
    metadata: { name: 'here' },
    spec: {
      type: 'local',
      nginx: {
        confDir: f.confDir,
        certDir: f.certDir,
        webroot: f.webroot,
        httpPort: f.httpPort,
        httpsPort: f.httpsPort,
        listen: f.listenAddress,
        testCommand: f.testCommand as [string, ...string[]],
        reloadCommand: f.reloadCommand as [string, ...string[]],
      },
    },
  };
  return { node: () => undefined, environment: (n) => (n === 'here' ? env : undefined), environments: () => [env] };
}

function siteResource(spec: NginxSiteResource['spec']): NginxSiteResource {
  return {
    id: `local/NginxSite/${spec.siteName}`,
    target: 'local',
    kind: 'NginxSite',
    owner: 'Ingress/a',
    environment: 'here',
    name: spec.siteName,
    spec,
    hash: hashJson(spec),
    dependsOn: [],
  };
}

test('local NginxSite and CertificateFiles against a real nginx', { timeout: 60_000 }, async (t) => {
  const why = nginxUnavailable();
  if (why) return t.skip(why);
  const nginx = await startNginx();
  const dir = await mkdtemp(join(tmpdir(), 'boreas-local-nginx-'));
  const store = openSqliteStore(join(dir, 'state.db'));
  t.after(async () => {
    await store.close();
    await nginx.stop();
    await rm(dir, { recursive: true, force: true });
  });
  const f = nginx.facts;
  const target = await localTarget(dir, dir, { scope: scopeFor(f), store });
  const probe = await target.probe();
  assert.deepEqual(probe.reachable && probe.facts.nginx, f, 'the local edge reports what Git declares');

  // Site: created → applied and healthy once nginx serves it; the same content again → unchanged without a reload.
  const content = (body: string, marker: string) =>
    `server {\n    listen 127.0.0.1:${f.httpPort};\n    server_name a.test;\n    add_header X-Boreas-Config ${marker} always;\n    location / { return 200 "${body}\\n"; }\n}\n`;
  const siteSpec = {
    siteName: 'a',
    node: 'local',
    targetPath: sitePath(f, 'a'),
    content: content('site a', 'm1'),
    probe: { host: 'a.test', path: '/', tls: false, marker: 'm1', expectBackend: true },
  };
  const site = siteResource(siteSpec);
  assert.equal((await target.observe([site]))[0].state, 'absent');
  assert.equal((await target.apply(task(site))).outcome, 'configured');
  await nginx.waitForReloads(1);
  const res = await request(`http://127.0.0.1:${f.httpPort}/`, { headers: { host: 'a.test' } });
  assert.equal(await res.body.text(), 'site a\n');
  const [obs] = await target.observe([site]);
  assert.deepEqual([obs.state, obs.appliedHash, obs.health.status], ['present', site.hash, 'Healthy']);
  assert.equal((await target.apply(task(site, 'update'))).outcome, 'unchanged');
  assert.equal(await nginx.reloads(), 1);

  // A config whose marker nginx does not serve is not healthy (a reload that has not taken effect looks like this).
  const notLive = await probeNginxSite({ ...siteSpec.probe, marker: 'other' }, f);
  assert.equal(notLive.status, 'Progressing');
  assert.match(notLive.message!, /does not serve the new config yet \(marker m1, want other\)/);

  // Edited by hand: drift against what was applied; a repair puts it back.
  await writeFile(siteSpec.targetPath, content('hacked', 'm1'));
  const [edited] = await target.observe([site]);
  assert.match(edited.drift!.join(), /was edited on disk/);
  assert.equal((await target.health(site)).level, 50);
  await target.apply(task(site, 'repair'));
  await nginx.waitForReloads(2);

  // Refused by nginx: failed outcome with nginx's text, the old file is back, no reload.
  const broken = siteResource({ ...siteSpec, content: siteSpec.content.replace('return 200', 'retrun 200') });
  const refused = await target.apply(task(broken, 'update'));
  assert.equal(refused.outcome, 'failed');
  assert.match(refused.message!, /nginx refused site a; previous config kept: .*unknown directive "retrun"/);
  assert.equal(await readFile(siteSpec.targetPath, 'utf8'), siteSpec.content);
  assert.equal(await nginx.reloads(), 2);

  // Certificate: version 1 from the store → files written with their modes; served fp = desired.
  const ensured = await ensureCertificate(
    { name: 'a-cert', domains: ['a.test'], issuer: { selfSigned: { days: 90 } }, renewBeforeDays: 30, challengeTargets: [] },
    { store, secretKey: 'test-key' },
  );
  const paths = certificatePaths(f, 'a-cert');
  const certSpec = { certificate: 'a-cert', node: 'local', version: ensured.version, fingerprint: ensured.fingerprint, ...paths };
  const cert: CertificateFilesResource = {
    id: 'local/CertificateFiles/a-cert',
    target: 'local',
    kind: 'CertificateFiles',
    owner: 'Certificate/a-cert',
    environment: 'here',
    name: 'a-cert@local',
    spec: certSpec,
    hash: hashJson(certSpec),
    dependsOn: [],
  };
  process.env.BOREAS_STATE_KEY = 'test-key';
  t.after(() => {
    delete process.env.BOREAS_STATE_KEY;
  });
  assert.equal((await target.apply(task(cert))).outcome, 'configured');
  const [served] = await target.observe([cert]);
  assert.deepEqual(
    [served.appliedHash, served.fingerprint, served.details?.servedFingerprint],
    [cert.hash, `cert:${ensured.fingerprint}`, ensured.fingerprint],
  );
  assert.equal(statSync(paths.keyPath).mode & 0o777, 0o600);
  assert.equal(statSync(paths.certPath).mode & 0o777, 0o644);
  assert.equal((await target.apply(task(cert, 'update'))).outcome, 'unchanged');

  // Another certificate on disk is drift; a version the store does not have fails clearly.
  await writeFile(paths.certPath, (await generateSelfSigned(['a.test'], 1)).certPem);
  const [drift] = await target.observe([cert]);
  assert.match(drift.drift!.join(), /holds another certificate/);
  await assert.rejects(target.apply(task({ ...cert, spec: { ...certSpec, version: 7 } })), /certificate a-cert version 7 is not in the state store/);

  // Delete: the site goes (nginx reloaded), then the certificate files.
  assert.equal((await target.apply(task(site, 'delete'))).outcome, 'deleted');
  assert.equal((await target.observe([site]))[0].state, 'absent');
  assert.equal((await target.apply(task(cert, 'delete'))).outcome, 'deleted');
  assert.equal((await target.observe([cert]))[0].state, 'absent');
});
