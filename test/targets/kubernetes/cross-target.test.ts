// dependsOn across targets, end to end through the CLI: db (local process) → api (Kubernetes, FAKE
// API server) → web (local process). api is applied only after db runs; web starts only after api's
// rollout is reported complete by the (simulated) deployment controller.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../helpers/cli.js';
import { createGitRepo } from '../../helpers/git-repo.js';
import { freePort, httpApp } from '../../helpers/local-fleet.js';
import { startFakeKubeApiServer } from '../../fakes/kube-apiserver/index.js';
import { finishRollout } from './harness.js';

const processApp = (name: string, port: number, startLog: string, dependsOn?: string) =>
  [
    'apiVersion: boreas.dev/v1',
    'kind: Application',
    `metadata: {name: ${name}}`,
    'spec:',
    '  environment: dev',
    '  runtime: process',
    `  process: {command: node, args: [${JSON.stringify(httpApp)}]}`,
    `  ports: [{name: http, port: ${port}}]`,
    '  health: {http: {port: http, path: /healthz}, intervalSeconds: 1, timeoutSeconds: 1}',
    `  env: {START_LOG: ${JSON.stringify(startLog)}}`,
    ...(dependsOn ? [`  dependsOn: [${dependsOn}]`] : []),
  ].join('\n') + '\n';

test('dependsOn orders a local process, a Kubernetes Deployment and another local process', async (t) => {
  const server = await startFakeKubeApiServer();
  const dir = await mkdtemp(join(tmpdir(), 'boreas-k8s-cross-'));
  const repo = await createGitRepo();
  const state = join(dir, 'state.db');
  const startLog = join(dir, 'starts.log');
  const cli = (...args: string[]) => runCli([...args, '--state', state], { timeoutMs: 120_000 });
  let controller: NodeJS.Timeout | undefined;
  t.after(async () => {
    clearInterval(controller);
    await cli('down').catch(() => undefined);
    await server.stop();
    await repo.cleanup();
    await rm(dir, { recursive: true, force: true });
  });
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, server.kubeconfig());
  const starts = async () =>
    (await readFile(startLog, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' ')[0]);

  // The simulated deployment controller: finishes api's rollout 1.5 s after it first sees it.
  let firstSeen = 0;
  let startsWhenApplied: string[] | undefined;
  let startsWhenHealthy: string[] | undefined;
  controller = setInterval(async () => {
    const d = server.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'api' }) as any;
    if (!d) return;
    if (!firstSeen) {
      firstSeen = Date.now();
      startsWhenApplied = await starts();
    }
    if (Date.now() - firstSeen > 1500 && d.status?.observedGeneration !== d.metadata.generation) {
      startsWhenHealthy = await starts();
      finishRollout(server, 'default', 'api');
    }
  }, 50);

  const [dbPort, webPort] = [await freePort(), await freePort()];
  await repo.write({
    'environments/dev.yaml': 'apiVersion: boreas.dev/v1\nkind: Environment\nmetadata: {name: dev}\nspec: {type: local}\n',
    'environments/prod.yaml': `apiVersion: boreas.dev/v1\nkind: Environment\nmetadata: {name: prod}\nspec:\n  type: kubernetes\n  kubernetes: {namespace: default, kubeconfigFrom: {file: ${JSON.stringify(kubeconfig)}}}\n`,
    'apps/db.yaml': processApp('db', dbPort, startLog),
    'apps/web.yaml': processApp('web', webPort, startLog, 'api'),
    'apps/api.yaml':
      'apiVersion: boreas.dev/v1\nkind: Application\nmetadata: {name: api}\nspec:\n  environment: prod\n  runtime: kubernetes\n  kubernetes: {container: {image: "registry.local/api:1.0"}}\n  ports: [{name: http, port: 8080}]\n  dependsOn: [db]\n',
  });
  await repo.commit('cross-target apps');

  const run = await cli('reconcile', '--once', '--repo', repo.dir, '--timeout', '60s');
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.deepEqual(startsWhenApplied, ['db-0'], 'the Deployment was applied after db started, before web');
  assert.deepEqual(startsWhenHealthy, ['db-0'], 'web had not started while api was still rolling out');
  assert.deepEqual((await starts()).sort(), ['db-0', 'web-0']);
  assert.equal((await fetch(`http://127.0.0.1:${webPort}/healthz`)).status, 200);
});
