// A remote that cannot be read when the daemon starts: the first reconcile fails (ready, result
// error, the daemon keeps running), and the poller applies the repository as soon as it appears.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startGitHttpServer } from '../helpers/git-http-server.js';
import { runGit } from '../helpers/git-repo.js';
import { http, parsePrometheus, daemonFixture, waitFor } from './daemon-process.js';

test('daemon: a remote that is unavailable at start is picked up by the poller once it exists', { timeout: 120_000 }, async (t) => {
  const fx = await daemonFixture(t, 'down');
  const { tmp, appPort, repo, state } = fx;
  const served = join(tmp, 'served');
  await mkdir(served);
  const git = await startGitHttpServer(served);
  fx.onCleanup(() => git.close());

  const daemon = await fx.start([
    '--repo',
    `${git.url}/config/.git`,
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
  ]);
  const base = daemon.base;
  const ready = await waitFor(
    'ready',
    async () => {
      const r = await http(`${base}/v1/ready`);
      return r.status === 200 && r.json;
    },
    60_000,
  );
  assert.equal(ready.lastReconcile.result, 'error', JSON.stringify(ready));
  const failed = (await http(`${base}/api/v1/reconciles`)).json.reconciles[0];
  assert.ok(failed.error, 'the error is recorded');
  assert.equal(parsePrometheus((await http(`${base}/metrics`)).text).get('boreas_reconcile_total{result="error"}'), 1);

  // The repository appears on the server: the next poll reads it and the app is deployed.
  await runGit(tmp, ['clone', '-q', repo.dir, join(served, 'config')]);
  await waitFor(
    'the app to be deployed',
    async () => (await http(`http://127.0.0.1:${appPort}/`).catch(() => undefined))?.json?.message === 'one',
    40_000,
    200,
  );
  const recs = await waitFor('the poll reconcile', async () =>
    (await http(`${base}/api/v1/reconciles`)).json.reconciles.find(
      (r: { reasons: string[]; result: string }) => r.reasons.includes('poll') && r.result === 'converged',
    ),
  );
  assert.equal(recs.revision, await repo.revParse('HEAD'));
  assert.equal(await daemon.stop(), 0);
});
