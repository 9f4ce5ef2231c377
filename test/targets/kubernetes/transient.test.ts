// Writes that fail for a reason that may not happen again (a 500, a 429 with Retry-After, a 409
// Conflict of an object modified meanwhile, a connection closed before the answer) are retried with
// the engine's backoff, as docs/design.md (Pipeline) promises: one such answer of the API server does
// not fail the reconcile. Through the real CLI, against the FAKE API server.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startFakeKubeApiServer } from '../../fakes/kube-apiserver/index.js';
import { runCli } from '../../helpers/cli.js';
import { createGitRepo } from '../../helpers/git-repo.js';

test('transient API errors during apply are retried and the reconcile converges', async (t) => {
  const server = await startFakeKubeApiServer();
  const dir = await mkdtemp(join(tmpdir(), 'boreas-k8s-transient-'));
  const repo = await createGitRepo();
  t.after(async () => {
    await server.stop();
    await repo.cleanup();
    await rm(dir, { recursive: true, force: true });
  });
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, server.kubeconfig());
  await repo.write({
    'environment.yaml': `apiVersion: boreas.dev/v1\nkind: Environment\nmetadata: {name: prod}\nspec:\n  type: kubernetes\n  kubernetes: {namespace: default, kubeconfigFrom: {file: ${JSON.stringify(kubeconfig)}}}\n`,
    'apps/config.yaml':
      'apiVersion: boreas.dev/v1\nkind: Application\nmetadata: {name: config}\nspec:\n  environment: prod\n  runtime: kubernetes\n  kubernetes: {path: k8s/config}\n',
    'k8s/config/all.yaml': [
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {mode: prod}\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata: {mode: prod}\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {mode: prod}\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\ndata: {mode: prod}\n',
    ].join('---\n'),
  });
  await repo.commit('config maps');
  const write = (name: string) => new RegExp(`^PATCH /api/v1/namespaces/default/configmaps/${name}\\?(?!.*dryRun)`);
  server.injectFault(write('a'), { code: 500, reason: 'InternalError', message: 'Internal error occurred: etcdserver: request timed out' });
  server.injectFault(write('b'), { code: 429, reason: 'TooManyRequests', message: 'too many requests', retryAfter: 1 });
  server.injectFault(write('c'), { code: 409, reason: 'Conflict', message: 'Operation cannot be fulfilled on configmaps "c": the object has been modified' });
  server.injectFault(write('d'), 'reset');

  const run = await runCli(['reconcile', '--once', '--repo', repo.dir, '--state', join(dir, 'state.db'), '--timeout', '60s'], { timeoutMs: 120_000 });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /^Converged/m);
  for (const name of ['a', 'b', 'c', 'd']) {
    assert.ok(server.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name }), `ConfigMap ${name} applied`);
    assert.equal(server.requests.filter((r) => write(name).test(r)).length, 2, `ConfigMap ${name}: one failed write, one retry`);
  }
});
