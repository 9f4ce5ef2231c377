// Writes that fail for a reason that may not happen again (a 500, a 429 with Retry-After, a 409
// Conflict of an object modified meanwhile, a connection closed before the answer) are retried with
// the engine's backoff, as docs/design.md (Pipeline) promises: one such answer of the API server does
// not fail the reconcile. An answer that is not the API's (a proxy's HTML page, a body that is not
// JSON) makes the cluster Unknown with one readable line. Through the real CLI, against the FAKE API
// server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../../helpers/cli.js';
import { startCliCluster } from './harness.js';

test('transient API errors during apply are retried and the reconcile converges', async (t) => {
  const { server, repo, state } = await startCliCluster(t);
  await repo.write({
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
  server.injectFault(write('b'), { code: 429, reason: 'TooManyRequests', message: 'too many requests', retryAfter: 0 });
  server.injectFault(write('c'), { code: 409, reason: 'Conflict', message: 'Operation cannot be fulfilled on configmaps "c": the object has been modified' });
  server.injectFault(write('d'), 'reset');

  const run = await runCli(['reconcile', '--once', '--repo', repo.dir, '--state', state, '--timeout', '60s'], { timeoutMs: 120_000 });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /^Converged/m);
  for (const name of ['a', 'b', 'c', 'd']) {
    assert.ok(server.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name }), `ConfigMap ${name} applied`);
    assert.equal(server.requests.filter((r) => write(name).test(r)).length, 2, `ConfigMap ${name}: one failed write, one retry`);
  }
});

test('an answer that is not JSON, or a proxy error page, makes the cluster Unknown with one readable line', async (t) => {
  const { server, repo, state } = await startCliCluster(t);
  await repo.write({
    'apps/config.yaml':
      'apiVersion: boreas.dev/v1\nkind: Application\nmetadata: {name: config}\nspec:\n  environment: prod\n  runtime: kubernetes\n  kubernetes: {path: k8s/config}\n',
    'k8s/config/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {mode: prod}\n',
  });
  await repo.commit('config map');
  const plan = () => runCli(['plan', '--repo', repo.dir, '--state', state], { timeoutMs: 60_000 });
  const list = /^GET \/api\/v1\/namespaces\/default\/configmaps\?/;

  server.injectFault(list, { code: 200, body: '{"kind":"ConfigMapList","items":[{"metad', contentType: 'application/json' });
  const cut = await plan();
  assert.equal(cut.code, 1, cut.stdout + cut.stderr);
  assert.match(
    cut.stdout,
    /cluster prod: unreachable: GET \/api\/v1\/namespaces\/default\/configmaps: the answer \(200\) is not JSON: \{"kind":"ConfigMapList"/,
  );
  assert.doesNotMatch(cut.stdout + cut.stderr, /Cannot read properties|TypeError/);

  server.injectFault(list, {
    code: 503,
    body: '<html><body><h1>503 Service Unavailable</h1>\n<p>upstream connect error</p></body></html>',
    contentType: 'text/html',
  });
  const page = await plan();
  assert.equal(page.code, 1, page.stdout + page.stderr);
  assert.match(page.stdout, /cluster prod: 503 503 Service Unavailable upstream connect error \(/);
  assert.doesNotMatch(page.stdout, /<h1>|\\n/);
});

test('a read the server asks to repeat (429 Retry-After) or whose connection closed is asked again; a plain 500 leaves the cluster Unknown', async (t) => {
  const { server, repo, state } = await startCliCluster(t);
  await repo.write({
    'apps/config.yaml':
      'apiVersion: boreas.dev/v1\nkind: Application\nmetadata: {name: config}\nspec:\n  environment: prod\n  runtime: kubernetes\n  kubernetes: {path: k8s/config}\n',
    'k8s/config/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {mode: prod}\n',
  });
  await repo.commit('config map');
  const plan = () => runCli(['plan', '--repo', repo.dir, '--state', state, '--detailed-exitcode'], { timeoutMs: 60_000 });
  const list = (resource: string) => new RegExp(`^GET /api/v1/(namespaces/default/)?${resource}\\?`);

  server.injectFault(list('configmaps'), { code: 429, reason: 'TooManyRequests', message: 'too many requests, please try again later', retryAfter: 0 });
  server.injectFault(list('namespaces'), 'reset');
  const busy = await plan();
  assert.equal(busy.code, 2, busy.stdout + busy.stderr);
  assert.match(busy.stdout, /Plan: 1 to create, 1 to change, 0 to delete/);
  assert.doesNotMatch(busy.stdout, /Unknown/);

  server.injectFault(list('configmaps'), { code: 500, reason: 'InternalError', message: 'Internal error occurred: etcdserver: leader changed' });
  const failing = await plan();
  assert.equal(failing.code, 1, failing.stdout + failing.stderr);
  assert.match(failing.stdout, /cluster prod: 500 InternalError: Internal error occurred: etcdserver: leader changed/);
});
