// A remote (smart-HTTP) repository followed by polling: a new commit is fetched and applied without a
// webhook, an invalid commit is refused whole while the daemon keeps serving, and POST
// /api/v1/reconcile needs the configured bearer token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { startGitHttpServer } from '../helpers/git-http-server.js';
import { helloManifest, http, parsePrometheus, daemonFixture, waitFor } from './daemon-process.js';

type Rec = { seq: number; reasons: string[]; result: string; revision?: string; appliedRevision?: string; diagnostics?: string[]; finishedAt: string };

test('daemon: polls a remote repository, refuses an invalid commit but keeps healing the last valid one, API reconcile needs the token', {
  timeout: 150_000,
}, async (t) => {
  const fx = await daemonFixture(t, 'remote');
  const { tmp, appPort, repo, state } = fx;
  const git = await startGitHttpServer(dirname(repo.dir));
  fx.onCleanup(() => git.close());
  await writeFile(join(tmp, 'api.token'), 'api-token-123\n');
  const url = `${git.url}/${basename(repo.dir)}/.git`;

  const daemon = await fx.start([
    '--repo',
    url,
    '--ref',
    'main',
    '--path',
    'manifests',
    '--state',
    state,
    '--interval',
    '1s',
    '--resync',
    '1h',
    '--api-token-file',
    join(tmp, 'api.token'),
    '--log-format',
    'json',
  ]);
  const base = daemon.base;
  const records = async () => (await http(`${base}/api/v1/reconciles`)).json.reconciles as Rec[];
  await waitFor('ready', async () => (await http(`${base}/v1/ready`)).status === 200, 60_000);
  assert.equal((await records())[0].result, 'converged', daemon.logs());
  const first = await repo.revParse('HEAD');
  assert.equal((await http(`http://127.0.0.1:${appPort}/`)).json.message, 'one');
  assert.ok(
    git.requests.some((r) => r.url.includes('git-upload-pack')),
    'the daemon fetched over smart HTTP',
  );

  // An invalid commit: the poller picks it up, validation refuses it, nothing changes, still ready.
  await repo.write({ 'manifests/hello.yaml': helloManifest(appPort, 'broken').replace('runtime: process', 'runtime: teleport') });
  const bad = await repo.commit('broken');
  const invalid = await waitFor(
    'the invalid revision to be reported',
    async () => (await records()).find((r) => r.revision === bad && r.result === 'invalid'),
    30_000,
    200,
  );
  assert.deepEqual(invalid.reasons, ['poll']);
  assert.ok(
    invalid.diagnostics?.some((d) => /hello\.yaml:\d+:\d+: .*runtime/.test(d)),
    JSON.stringify(invalid.diagnostics),
  );
  assert.equal((await http(`http://127.0.0.1:${appPort}/`)).json.message, 'one');
  assert.equal((await http(`${base}/v1/ready`)).status, 200);
  assert.equal(invalid.appliedRevision, first, 'the last valid revision is what was reconciled');
  // The poller does not retry the same invalid revision every second.
  await new Promise((r) => setTimeout(r, 2500));
  assert.equal((await records()).filter((r) => r.revision === bad).length, 1);

  // POST /api/v1/reconcile: 401 without or with a wrong token, 405 for GET.
  assert.equal((await http(`${base}/api/v1/reconcile`, { method: 'POST' })).status, 401);
  assert.equal((await http(`${base}/api/v1/reconcile`, { method: 'POST', headers: { authorization: 'Bearer nope' } })).status, 401);
  assert.equal((await http(`${base}/api/v1/reconcile`)).status, 405);

  // Self-heal goes on while HEAD is invalid: a killed app is restarted at the last valid revision.
  const before = (await http(`http://127.0.0.1:${appPort}/`)).json;
  process.kill(before.pid, 'SIGKILL');
  const ok = await http(`${base}/api/v1/reconcile`, { method: 'POST', headers: { authorization: 'Bearer api-token-123' } });
  assert.equal(ok.status, 202);
  const healed = await waitFor(
    'the app to be restarted',
    async () => {
      const r = await http(`http://127.0.0.1:${appPort}/`).catch(() => undefined);
      return r?.json?.pid !== before.pid && r?.json;
    },
    30_000,
    200,
  );
  assert.equal(healed.message, 'one');
  const apiRun = await waitFor('the API reconcile', async () => (await records()).find((r) => r.reasons.includes('api')));
  assert.equal(apiRun.result, 'invalid');
  assert.equal(apiRun.appliedRevision, first);

  // The fix is applied by the next poll.
  await repo.write({ 'manifests/hello.yaml': helloManifest(appPort, 'two', 'v2') });
  const good = await repo.commit('fixed');
  await waitFor('v2 to be served', async () => (await http(`http://127.0.0.1:${appPort}/`).catch(() => undefined))?.json?.message === 'two', 40_000, 200);
  await waitFor('the fix to be recorded', async () => (await records()).some((r) => r.revision === good && r.result === 'converged'));

  const m = parsePrometheus((await http(`${base}/metrics`)).text);
  assert.equal(m.get('boreas_reconcile_total{result="invalid"}'), 2);
  assert.ok((m.get('boreas_reconcile_total{result="converged"}') ?? 0) >= 2);
  assert.equal(m.get(`boreas_revision_info{sha="${good}"}`), 1);
  assert.ok(!daemon.logs().includes('api-token-123'), 'the API token is never logged');
  assert.equal(await daemon.stop(), 0);
});
