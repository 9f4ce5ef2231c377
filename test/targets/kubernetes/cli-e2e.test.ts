// End to end through the real CLI process: a Git repo with a kubernetes Environment, a container app
// and a raw-manifests app, reconciled into the FAKE API server (running in this test process) by
// `boreas reconcile --once`; a second run writes nothing; `kubectl edit` drift shows in `plan`.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../helpers/cli.js';
import { createGitRepo } from '../../helpers/git-repo.js';
import { startFakeKubeApiServer } from '../../fakes/kube-apiserver/index.js';
import { finishRollout } from './harness.js';

test('boreas reconcile --once converges a kubernetes environment; a second run sends zero writes', async (t) => {
  const server = await startFakeKubeApiServer();
  const dir = await mkdtemp(join(tmpdir(), 'boreas-k8s-e2e-'));
  const repo = await createGitRepo();
  t.after(async () => {
    clearInterval(controller);
    await server.stop();
    await repo.cleanup();
    await rm(dir, { recursive: true, force: true });
  });
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, server.kubeconfig());
  // A stand-in for the deployment controller: finishes every rollout it sees.
  const controller = setInterval(() => {
    for (const name of ['api']) {
      const d = server.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name }) as any;
      if (d && d.status?.observedGeneration !== d.metadata.generation) finishRollout(server, 'default', name);
    }
  }, 50);
  await repo.write({
    'environment.yaml': `apiVersion: boreas.dev/v1\nkind: Environment\nmetadata: {name: prod}\nspec:\n  type: kubernetes\n  kubernetes: {namespace: default, kubeconfigFrom: {file: ${JSON.stringify(kubeconfig)}}}\n`,
    'apps/api.yaml':
      'apiVersion: boreas.dev/v1\nkind: Application\nmetadata: {name: api}\nspec:\n  environment: prod\n  runtime: kubernetes\n  replicas: 2\n  kubernetes: {container: {image: "registry.local/api:1.0"}}\n  ports: [{name: http, port: 8080}]\n  dependsOn: [config]\n',
    'apps/config.yaml':
      'apiVersion: boreas.dev/v1\nkind: Application\nmetadata: {name: config}\nspec:\n  environment: prod\n  runtime: kubernetes\n  kubernetes: {path: k8s/config}\n',
    'k8s/config/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: prod}\n',
  });
  await repo.commit('k8s apps');
  const state = join(dir, 'state.db');
  const cli = (...args: string[]) => runCli([...args, '--state', state], { timeoutMs: 120_000 });

  const first = await cli('reconcile', '--once', '--repo', repo.dir, '--timeout', '60s');
  assert.equal(first.code, 0, first.stdout + first.stderr);
  const dep = server.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'api' }) as any;
  assert.equal(dep.spec.replicas, 2);
  assert.equal(dep.metadata.labels['boreas.dev/application'], 'api');
  assert.ok(server.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'settings' }));
  const cmCreated = server.requests.findIndex((r) => r.startsWith('PATCH /api/v1/namespaces/default/configmaps/settings') && !r.includes('dryRun'));
  const depCreated = server.requests.findIndex((r) => r.startsWith('PATCH /apis/apps/v1/namespaces/default/deployments/api') && !r.includes('dryRun'));
  assert.ok(cmCreated >= 0 && depCreated > cmCreated, 'api depends on config: its ConfigMap is applied first');

  server.resetCounts();
  const second = await cli('reconcile', '--once', '--repo', repo.dir, '--timeout', '60s');
  assert.equal(second.code, 0, second.stdout + second.stderr);
  assert.match(second.stdout, /No changes/);
  assert.equal(server.counts().writes, 0, server.requests.join('\n'));

  server.editAs('kubectl-edit', { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'api' }, (o: any) => void (o.spec.replicas = 9));
  const plan = await cli('plan', '--repo', repo.dir, '--detailed-exitcode');
  t.diagnostic(plan.stdout);
  assert.equal(plan.code, 2, plan.stdout + plan.stderr);
  assert.match(plan.stdout, /Deployment\/default\/api/);
  assert.match(plan.stdout, /spec\.replicas/);
  const heal = await cli('reconcile', '--once', '--repo', repo.dir, '--timeout', '60s');
  assert.equal(heal.code, 0, heal.stdout + heal.stderr);
  assert.equal((server.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'api' }) as any).spec.replicas, 2);
});
