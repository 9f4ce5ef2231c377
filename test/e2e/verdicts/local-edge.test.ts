// Issue repro 6, through the real CLI with a real nginx: the local nginx edge is what the local
// Environment declares in Git (spec.nginx), never what the shell's BOREAS_NGINX_* variables say. A
// reconcile run in a shell full of such variables writes the site where Git says; a plan from a shell
// without them shows no change for the edge. An Ingress on this machine without a declared edge is a
// validation error naming it.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { request } from 'undici';
import { runCli } from '../../helpers/cli.js';
import { createGitRepo } from '../../helpers/git-repo.js';
import { environmentYaml, freePort, httpApp } from '../../helpers/local-fleet.js';
import { localEnvironmentYaml, nginxUnavailable, startNginx } from '../../helpers/nginx.js';

const host = 'edge.boreas.test';

test('repro 6: the local edge follows Git, not the shell', { timeout: 300_000 }, async (t) => {
  const why = nginxUnavailable();
  if (why) return t.skip(why);
  const nginx = await startNginx();
  const repo = await createGitRepo();
  const dir = await mkdtemp(join(tmpdir(), 'boreas-local-edge-'));
  const state = join(dir, 'state.db');
  t.after(async () => {
    await runCli(['down', '--state', state]);
    await nginx.stop();
    await repo.cleanup();
    await rm(dir, { recursive: true, force: true });
  });
  const port = await freePort(1);
  const ingress = `apiVersion: boreas.dev/v1\nkind: Ingress\nmetadata: {name: web}\nspec:\n  hosts: [${host}]\n  rules: [{path: /, application: web, port: http}]\n`;
  const app = [
    'apiVersion: boreas.dev/v1',
    'kind: Application',
    'metadata: {name: web}',
    'spec:',
    '  environment: dev',
    '  runtime: process',
    `  process: {command: node, args: [${JSON.stringify(httpApp)}]}`,
    `  ports: [{name: http, port: ${port}}]`,
    '  health: {http: {port: http, path: /healthz}, intervalSeconds: 1, timeoutSeconds: 1}',
    '',
  ].join('\n');
  await repo.write({ 'environment.yaml': localEnvironmentYaml('dev', nginx.facts), 'web.yaml': app, 'ingress.yaml': ingress });
  await repo.commit('web behind the local edge');

  // A shell that says otherwise about nginx (what Boreas once read): ignored.
  const elsewhere = join(dir, 'elsewhere');
  const shell = {
    BOREAS_NGINX_CONF_DIR: elsewhere,
    BOREAS_NGINX_CERT_DIR: elsewhere,
    BOREAS_NGINX_WEBROOT: elsewhere,
    BOREAS_NGINX_HTTP_PORT: '1',
    BOREAS_NGINX_HTTPS_PORT: '2',
    BOREAS_NGINX_TEST_COMMAND: 'false',
    BOREAS_NGINX_RELOAD_COMMAND: 'false',
  };
  const first = await runCli(['reconcile', '--once', '--repo', repo.dir, '--state', state, '--timeout', '60s'], { env: shell });
  assert.equal(first.code, 0, first.stdout + first.stderr);
  assert.deepEqual(readdirSync(nginx.facts.confDir), ['boreas-web.conf'], 'the site is where spec.nginx.confDir says');
  assert.equal(existsSync(elsewhere), false, 'nothing was written where the shell said');
  // undici's request, not fetch: fetch drops a Host header.
  const res = await request(`http://127.0.0.1:${nginx.facts.httpPort}/`, { headers: { host } });
  assert.equal(res.statusCode, 200);
  assert.match(await res.body.text(), /"instance":"web-0"/);

  // From a clean shell, and from the odd one: no change for the edge.
  for (const env of [{}, shell]) {
    const plan = await runCli(['plan', '--repo', repo.dir, '--state', state, '--detailed-exitcode'], { env });
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    assert.match(plan.stdout, /No changes\. Desired state matches actual state\./);
    assert.doesNotMatch(plan.stdout, /NginxSite|now missing|\/etc\/nginx/);
  }

  // Without spec.nginx, an Ingress on this machine has no edge: a validation error, not a guess.
  await repo.write({ 'environment.yaml': environmentYaml() });
  await repo.commit('edge forgotten');
  const invalid = await runCli(['validate', '--repo', repo.dir, '--state', state]);
  assert.equal(invalid.code, 1, invalid.stdout);
  assert.match(invalid.stdout, /^ingress\.yaml:\d+:\d+: Ingress\/web: spec: served by the nginx on this machine .* no local Environment declares it/m);
});
