// Ingress served by nginx on this machine (the `local` edge), end to end through the real CLI: a real
// git repo of manifests, real backend processes, a real nginx (own prefix, 127.0.0.1 ports) whose
// conf dir and test/reload commands are declared in the local Environment (spec.nginx), real TLS verified by undici.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { connect as tlsConnect } from 'node:tls';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { createGitRepo, type GitRepo } from '../helpers/git-repo.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { freePort, localEnvironmentYaml, nginxUnavailable, startNginx, waitFor, type TestNginx } from '../helpers/nginx.js';
import type { NginxNodeFacts } from '../../src/model/edge-specs.js';
import { generateSelfSigned } from '../../src/targets/certificates/index.js';

const host = 'web.boreas.test';

// Answers / with its instance and pid; /healthz fails while a file `unhealthy` exists in its
// working directory (the instance dir), so a test can make one replica unhealthy.
const appJs = `import http from 'node:http';
import { existsSync } from 'node:fs';
const server = http.createServer((req, res) => {
  if (req.url === '/healthz') { const bad = existsSync('unhealthy'); res.writeHead(bad ? 500 : 200).end(bad ? 'unhealthy' : 'ok'); return; }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ instance: process.env.BOREAS_INSTANCE, pid: process.pid }));
});
server.listen(Number(process.env.BOREAS_PORT_HTTP), '127.0.0.1');
for (const s of ['SIGTERM', 'SIGINT']) process.on(s, () => server.close(() => process.exit(0)));
`;

function manifests(o: { port: number; replicas: number; tls?: boolean; certDays?: number; nginx: NginxNodeFacts }): Record<string, string> {
  const files: Record<string, string> = {
    'servers/app.js': appJs,
    'environment.yaml': localEnvironmentYaml('dev', o.nginx),
    'apps/web.yaml': [
      'apiVersion: boreas.dev/v1',
      'kind: Application',
      'metadata: {name: web}',
      'spec:',
      '  environment: dev',
      '  runtime: process',
      '  version: v1',
      `  replicas: ${o.replicas}`,
      '  process: {command: node, args: [servers/app.js]}',
      `  ports: [{name: http, port: ${o.port}}]`,
      '  health: {http: {port: http, path: /healthz}, intervalSeconds: 1, timeoutSeconds: 1}',
      '',
    ].join('\n'),
    'ingress.yaml': [
      'apiVersion: boreas.dev/v1',
      'kind: Ingress',
      'metadata: {name: web}',
      'spec:',
      `  hosts: [${host}]`,
      ...(o.tls ? ['  tls: {certificate: web-cert}'] : []),
      '  rules: [{path: /, application: web, port: http}]',
      '',
    ].join('\n'),
  };
  if (o.tls)
    files['certificate.yaml'] =
      `apiVersion: boreas.dev/v1\nkind: Certificate\nmetadata: {name: web-cert}\nspec:\n  domains: [${host}]\n  issuer: {selfSigned: {days: ${o.certDays ?? 30}}}\n`;
  return files;
}

interface Bed {
  repo: GitRepo;
  nginx: TestNginx;
  stateDir: string;
  env: NodeJS.ProcessEnv;
  cli(...args: string[]): Promise<CliResult>;
  reconcile(): Promise<CliResult>;
  /** `server` lines of the site's upstream, as deployed. */
  upstream(): Promise<string[]>;
  get(path?: string): Promise<{ status: number; body: string; location?: string }>;
}

async function setup(t: { after(fn: () => Promise<void>): void }): Promise<Bed> {
  const nginx = await startNginx();
  const repo = await createGitRepo();
  const stateDir = await mkdtemp(join(tmpdir(), 'boreas-ingress-'));
  const state = join(stateDir, 'state.db');
  const f = nginx.facts;
  const env: NodeJS.ProcessEnv = {};
  const cli = (...args: string[]) => runCli([...args, '--state', state], { env, timeoutMs: 120_000 });
  t.after(async () => {
    await cli('down').catch(() => undefined);
    await nginx.stop();
    await repo.cleanup();
    await rm(stateDir, { recursive: true, force: true });
  });
  const sitePath = join(f.confDir, 'boreas-web.conf');
  return {
    repo,
    nginx,
    stateDir,
    env,
    cli,
    async reconcile() {
      const r = await cli('reconcile', '--once', '--repo', repo.dir, '--timeout', '60s');
      await settled(nginx);
      return r;
    },
    async upstream() {
      const text = await readFile(sitePath, 'utf8');
      const block = /upstream \S+ \{\n([^}]*)\}/.exec(text);
      return block
        ? block[1]
            .split('\n')
            .map((l) => l.trim())
            .filter(Boolean)
        : [];
    },
    async get(path = '/') {
      const res = await request(`http://127.0.0.1:${f.httpPort}${path}`, { headers: { host } });
      const body = await res.body.text();
      return { status: res.statusCode, body, location: res.headers.location as string | undefined };
    },
  };
}

async function commit(repo: GitRepo, files: Record<string, string>, message: string): Promise<string> {
  await repo.write(files);
  return repo.commit(message);
}

/**
 * `nginx -s reload` only signals the master: the new config serves once the old worker has logged
 * its graceful shutdown. Waits until every reload seen in the error log got that far.
 */
async function settled(nginx: TestNginx): Promise<void> {
  const count = (log: string, needle: string) => log.split(needle).length - 1;
  await waitFor(
    async () => {
      const log = await nginx.errorLog();
      return count(log, 'gracefully shutting down') >= count(log, '(SIGHUP) received');
    },
    10_000,
    'nginx reloads to take effect',
  );
  await new Promise((r) => setTimeout(r, 50));
}

/** sha256 of the leaf certificate nginx presents for the host (verified against `ca`). */
function servedFingerprint(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port, servername: host, ca }, () => {
      resolve(s.getPeerCertificate().fingerprint256.replace(/:/g, '').toLowerCase());
      s.end();
    });
    s.once('error', reject);
  });
}

/** Instances that answered `n` requests through nginx (round robin reaches every upstream server). */
async function instancesBehind(bed: Bed, n: number): Promise<string[]> {
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) {
    const r = await bed.get();
    assert.equal(r.status, 200, r.body);
    seen.add(JSON.parse(r.body).instance);
  }
  return [...seen].sort();
}

test('an Ingress on the local edge: serve, scale, leave out the unhealthy, no-op, TLS, refused config', { timeout: 600_000 }, async (t) => {
  const why = nginxUnavailable();
  if (why) return t.skip(why);
  const bed = await setup(t);
  const port = await freePort();

  // (a) two replicas behind nginx, reached with the Host header.
  await commit(bed.repo, manifests({ port, replicas: 2, nginx: bed.nginx.facts }), 'web x2 behind nginx');
  const first = await bed.reconcile();
  assert.equal(first.code, 0, first.stdout + first.stderr);
  assert.deepEqual(await bed.upstream(), [`server 127.0.0.1:${port};`, `server 127.0.0.1:${port + 1};`]);
  assert.deepEqual(await instancesBehind(bed, 4), ['web-0', 'web-1']);

  // (b) scale to three: the upstream lists three endpoints after the next reconcile.
  await commit(bed.repo, manifests({ port, replicas: 3, nginx: bed.nginx.facts }), 'scale to 3');
  const scaled = await bed.reconcile();
  assert.equal(scaled.code, 0, scaled.stdout + scaled.stderr);
  assert.deepEqual(
    await bed.upstream(),
    [0, 1, 2].map((i) => `server 127.0.0.1:${port + i};`),
  );
  assert.deepEqual(await instancesBehind(bed, 6), ['web-0', 'web-1', 'web-2']);

  // (c) web-1 fails its health check while its process keeps running: left out of the upstream.
  const marker = join(bed.stateDir, 'local', 'instances', 'web-1', 'unhealthy');
  await writeFile(marker, '');
  const plan = await bed.cli('plan', '--repo', bed.repo.dir, '--detailed-exitcode');
  assert.equal(plan.code, 2, plan.stdout + plan.stderr);
  assert.match(plan.stdout, /NginxSite|web@local/);
  // The site is fixed (web-1 left out), but an unhealthy instance means the run is not converged.
  const sick = await bed.reconcile();
  assert.equal(sick.code, 1, sick.stdout + sick.stderr);
  assert.match(sick.stdout, /Not converged: 1 resource unhealthy/);
  assert.match(sick.stdout, /unhealthy local\/Instance\/web-1: Degraded: GET http:\/\/127\.0\.0\.1:\d+\/healthz: HTTP 500/);
  assert.deepEqual(await bed.upstream(), [`server 127.0.0.1:${port};`, `server 127.0.0.1:${port + 2};`]);
  assert.deepEqual(await instancesBehind(bed, 6), ['web-0', 'web-2']);
  await rm(marker);
  assert.equal((await bed.reconcile()).code, 0);
  assert.equal((await bed.upstream()).length, 3, 'back in once healthy');

  // (d) nothing changed: zero tasks and zero nginx reloads.
  const reloads = await bed.nginx.reloads();
  const noop = await bed.cli('reconcile', '--once', '--repo', bed.repo.dir, '--output', 'json');
  assert.equal(noop.code, 0, noop.stderr);
  const summary = JSON.parse(noop.stdout.trim().split('\n').pop()!);
  assert.equal(summary.converged, true);
  assert.equal(summary.tasks.run, 0);
  assert.equal(await bed.nginx.reloads(), reloads, 'no reload on a no-op reconcile');

  // (e) TLS with a selfSigned certificate: HTTP redirects, HTTPS verifies the SAN with the served cert as CA.
  await commit(bed.repo, manifests({ port, replicas: 3, tls: true, nginx: bed.nginx.facts }), 'tls');
  const tls = await bed.reconcile();
  assert.equal(tls.code, 0, tls.stdout + tls.stderr);
  const redirect = await bed.get('/x');
  assert.equal(redirect.status, 308);
  assert.equal(redirect.location, `https://${host}:${bed.nginx.facts.httpsPort}/x`);
  const certPem = await readFile(join(bed.nginx.facts.certDir, 'web-cert.crt'), 'utf8');
  let trusted = certPem;
  const https = (servername: string) => {
    // undici takes the TLS servername (SNI and the name verified) from the Host header.
    const dispatcher = new Agent({ connect: { ca: trusted } });
    t.after(() => dispatcher.close());
    return request(`https://127.0.0.1:${bed.nginx.facts.httpsPort}/`, { dispatcher, headers: { host: servername } });
  };
  const secure = await https(host);
  assert.equal(secure.statusCode, 200);
  assert.match(await secure.body.text(), /"instance":"web-\d"/);
  await assert.rejects(https('other.boreas.test'), /altnames|ERR_TLS_CERT_ALTNAME_INVALID/, 'the SAN is checked, not just the chain');

  const statusJson = await bed.cli('status', '--output', 'json');
  assert.equal(statusJson.code, 0, statusJson.stderr);
  const apps = (JSON.parse(statusJson.stdout) as { applications: Array<{ name: string; certificates?: any[] }> }).applications;
  assert.deepEqual(
    apps.map((a) => a.name),
    ['web'],
    'edge owners are not listed as applications',
  );
  const [cert] = apps[0].certificates!;
  assert.equal(cert.name, 'web-cert');
  assert.deepEqual(cert.sans, [host]);
  assert.equal(cert.version, 1);
  assert.ok(cert.daysLeft >= 29 && cert.daysLeft <= 30, `expiry in 30 days, got ${cert.notAfter}`);
  assert.deepEqual(cert.nodes, [{ node: 'local', version: 1, fingerprint: cert.fingerprint, drift: false }]);
  const statusText = await bed.cli('status');
  assert.match(
    statusText.stdout,
    new RegExp(`web-cert\\s+${host.replace(/\./g, '\\.')}\\s+\\d{4}-\\d\\d-\\d\\d \\(\\d+d\\)\\s+v1\\s+selfSigned\\s+local v1\\s`),
  );

  // A certificate replaced on disk is drift: status says so, reconcile puts version 1 back.
  const other = await generateSelfSigned([host], 5);
  await writeFile(join(bed.nginx.facts.certDir, 'web-cert.crt'), other.certPem);
  const drifted = await bed.cli('status');
  assert.match(drifted.stdout, /local other \(drift\).*drift: local serves another certificate/);
  const healed = await bed.reconcile();
  assert.equal(healed.code, 0, healed.stdout + healed.stderr);
  assert.equal(await readFile(join(bed.nginx.facts.certDir, 'web-cert.crt'), 'utf8'), certPem);
  const again = await bed.cli('reconcile', '--once', '--repo', bed.repo.dir, '--output', 'json');
  assert.equal(JSON.parse(again.stdout.trim().split('\n').pop()!).tasks.run, 0, 'converged with TLS: a further run does nothing');

  // Rotation: a changed issuer setting issues version 2, which is deployed and served.
  await commit(bed.repo, manifests({ port, replicas: 3, tls: true, certDays: 60, nginx: bed.nginx.facts }), 'rotate');
  const rotated = await bed.reconcile();
  assert.equal(rotated.code, 0, rotated.stdout + rotated.stderr);
  const v2 = JSON.parse((await bed.cli('status', 'web', '--output', 'json')).stdout).certificates[0];
  assert.equal(v2.version, 2);
  assert.notEqual(v2.fingerprint, cert.fingerprint);
  assert.deepEqual(v2.nodes, [{ node: 'local', version: 2, fingerprint: v2.fingerprint, drift: false }]);
  trusted = await readFile(join(bed.nginx.facts.certDir, 'web-cert.crt'), 'utf8');
  assert.equal(await servedFingerprint(bed.nginx.facts.httpsPort, trusted), v2.fingerprint, 'nginx serves version 2');

  // (f) nginx refuses the new config (another file in its conf dir is broken): reconcile exits 1 with
  // nginx's own error text, the previous site file is kept and keeps serving.
  const before = await readFile(join(bed.nginx.facts.confDir, 'boreas-web.conf'), 'utf8');
  const reloadsBefore = await bed.nginx.reloads();
  await writeFile(join(bed.nginx.facts.confDir, 'zz-hand-made.conf'), 'bogus_directive on;\n');
  t.after(() => rm(join(bed.nginx.facts.confDir, 'zz-hand-made.conf'), { force: true }));
  await commit(bed.repo, manifests({ port, replicas: 4, tls: true, certDays: 60, nginx: bed.nginx.facts }), 'scale to 4');
  const refused = await bed.reconcile();
  assert.equal(refused.code, 1, refused.stdout + refused.stderr);
  assert.match(refused.stdout + refused.stderr, /unknown directive "bogus_directive"/);
  assert.doesNotMatch(refused.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(await readFile(join(bed.nginx.facts.confDir, 'boreas-web.conf'), 'utf8'), before, 'previous site file restored');
  assert.equal(await bed.nginx.reloads(), reloadsBefore, 'nginx was not reloaded');
  const still = await https(host);
  assert.equal(still.statusCode, 200, 'the old site keeps serving');
  await still.body.text();
});
