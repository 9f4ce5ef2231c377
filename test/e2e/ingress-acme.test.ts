// ACME through the CLI on the local edge: `boreas reconcile --once` issues the Ingress's certificate
// from a real pebble (http-01 answered by the real nginx from the webroot its Environment declares, where the
// controller's publisher wrote the token), deploys it and the site; nginx serves it over HTTPS,
// `status` reports it, and the next reconcile neither re-issues nor runs any task.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { createGitRepo } from '../helpers/git-repo.js';
import { runCli } from '../helpers/cli.js';
import { freePort, localEnvironmentYaml, nginxUnavailable, startNginx, waitFor } from '../helpers/nginx.js';
import { pebbleUnavailable, startPebble } from '../helpers/pebble.js';

const host = 'shop.boreas.test';

test('reconcile issues an ACME certificate via pebble, http-01 served by the local nginx', { timeout: 300_000 }, async (t) => {
  const why = nginxUnavailable() ?? pebbleUnavailable();
  if (why) return t.skip(why);
  // Undone last-in first-out: processes down before nginx stops, state removed last.
  const cleanup: Array<() => Promise<unknown>> = [];
  t.after(async () => {
    for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
  });
  const stateDir = await mkdtemp(join(tmpdir(), 'boreas-ingress-acme-'));
  cleanup.push(() => rm(stateDir, { recursive: true, force: true }));
  const nginx = await startNginx();
  cleanup.push(() => nginx.stop());
  const pebble = await startPebble({ httpPort: nginx.facts.httpPort });
  cleanup.push(() => pebble.stop());
  const caFile = join(stateDir, 'pebble-listener.pem');
  await writeFile(caFile, pebble.listenerCaPem);
  const f = nginx.facts;
  const env: NodeJS.ProcessEnv = {
    BOREAS_ACME_CA_FILE: caFile,
  };
  const state = join(stateDir, 'state.db');
  const cli = (...args: string[]) => runCli([...args, '--state', state], { env, timeoutMs: 120_000 });
  cleanup.push(() => cli('down'));

  const port = await freePort();
  const repo = await createGitRepo({
    'environment.yaml': localEnvironmentYaml('dev', f),
    'servers/app.js': `import http from 'node:http';\nhttp.createServer((q, s) => s.end('shop ' + process.env.BOREAS_INSTANCE + ' over ' + q.headers['x-forwarded-proto'])).listen(Number(process.env.BOREAS_PORT_HTTP), '127.0.0.1');\n`,
    'shop.yaml': [
      'apiVersion: boreas.dev/v1',
      'kind: Application',
      'metadata: {name: shop}',
      'spec:',
      '  environment: dev',
      '  runtime: process',
      '  version: v1',
      '  process: {command: node, args: [servers/app.js]}',
      `  ports: [{name: http, port: ${port}}]`,
      '  health: {http: {port: http, path: /}, intervalSeconds: 1, timeoutSeconds: 1}',
      '---',
      'apiVersion: boreas.dev/v1',
      'kind: Certificate',
      'metadata: {name: shop-cert}',
      'spec:',
      `  domains: [${host}]`,
      `  issuer: {acme: {directory: "${pebble.directory}", email: ops@boreas.test, challenge: http-01}}`,
      '---',
      'apiVersion: boreas.dev/v1',
      'kind: Ingress',
      'metadata: {name: shop}',
      'spec:',
      `  hosts: [${host}]`,
      '  tls: {certificate: shop-cert}',
      '  rules: [{application: shop, port: http}]',
      '',
    ].join('\n'),
  });
  cleanup.push(() => repo.cleanup());
  await repo.commit('shop behind ACME TLS');

  const first = await cli('reconcile', '--once', '--repo', repo.dir, '--timeout', '90s');
  assert.equal(first.code, 0, first.stdout + first.stderr);
  // `nginx -s reload` only signals: wait until the old worker of every reload has shut down.
  const count = (log: string, needle: string) => log.split(needle).length - 1;
  await waitFor(
    async () => {
      const log = await nginx.errorLog();
      return count(log, 'gracefully shutting down') >= count(log, '(SIGHUP) received');
    },
    10_000,
    'nginx reloads to take effect',
  );

  const dispatcher = new Agent({ connect: { ca: await pebble.issuingRootPem() } });
  cleanup.push(() => dispatcher.close());
  const res = await request(`https://127.0.0.1:${f.httpsPort}/`, { dispatcher, headers: { host } });
  assert.equal(res.statusCode, 200);
  assert.equal(await res.body.text(), 'shop shop-0 over https');

  const status = JSON.parse((await cli('status', 'shop', '--output', 'json')).stdout);
  const [cert] = status.certificates;
  assert.equal(cert.issuer, 'acme');
  assert.deepEqual(cert.sans, [host]);
  assert.deepEqual(
    cert.nodes.map((n: { node: string; version: number; drift: boolean }) => [n.node, n.version, n.drift]),
    [['local', 1, false]],
  );

  const again = await cli('reconcile', '--once', '--repo', repo.dir, '--output', 'json');
  assert.equal(again.code, 0, again.stderr);
  assert.equal(JSON.parse(again.stdout.trim().split('\n').pop()!).tasks.run, 0, 'no re-issue, no task');
  assert.equal(JSON.parse((await cli('status', 'shop', '--output', 'json')).stdout).certificates[0].version, 1);
});
