// Self-heal and local watch: a killed app process is restarted by the periodic resync without any
// new commit, and an edit in a watched local checkout is applied without a commit or a webhook.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { helloManifest, http, parsePrometheus, daemonFixture, waitFor } from './daemon-process.js';

test('daemon: resync restarts a killed app; --watch applies an edit of the local checkout', { timeout: 120_000 }, async (t) => {
  const fx = await daemonFixture(t, 'heal');
  const { appPort, repo, state } = fx;

  // No --ref: the working tree is read as it is, which is what --watch is for.
  const daemon = await fx.start(['--repo', repo.dir, '--path', 'manifests', '--state', state, '--interval', '1h', '--resync', '2s', '--watch']);
  const base = daemon.base;
  await waitFor('ready', async () => (await http(`${base}/v1/ready`)).status === 200);
  const before = await waitFor('the app', async () => (await http(`http://127.0.0.1:${appPort}/`)).json);
  assert.equal(before.message, 'one');

  // Kill the app behind Boreas' back: the next resync sees the drift and starts it again.
  process.kill(before.pid, 'SIGKILL');
  const healed = await waitFor(
    'the app to be restarted by a resync',
    async () => {
      const r = await http(`http://127.0.0.1:${appPort}/`).catch(() => undefined);
      return r?.json?.pid && r.json.pid !== before.pid && r.json;
    },
    30_000,
    200,
  );
  assert.equal(healed.message, 'one');
  // The reconcile is recorded once it has finished (after the restarted app turned healthy).
  const repair = await waitFor('the repairing resync to be recorded', async () => {
    const recs = (await http(`${base}/api/v1/reconciles`)).json.reconciles as Array<{ reasons: string[]; runId?: number; result: string }>;
    return recs.find((r) => r.runId !== undefined && r.reasons.includes('resync'));
  });
  const tasks = (await http(`${base}/api/v1/tasks?run=${repair.runId}`)).json.tasks as Array<{ action: string; resource: string; state: string }>;
  assert.ok(
    tasks.some((x) => x.resource.endsWith('Instance/hello-0') && x.action === 'repair' && x.state === 'succeeded'),
    JSON.stringify(tasks),
  );

  // Edit the watched checkout (no commit): the watcher triggers and the change goes live.
  await repo.write({ 'manifests/hello.yaml': helloManifest(appPort, 'edited') });
  await waitFor(
    'the edit to be applied',
    async () => (await http(`http://127.0.0.1:${appPort}/`).catch(() => undefined))?.json?.message === 'edited',
    30_000,
    200,
  );
  // (A resync may apply the edit first; the watch-triggered run then finds nothing left to do.)
  await waitFor('the watch reconcile to be recorded', async () => {
    const recs = (await http(`${base}/api/v1/reconciles`)).json.reconciles as Array<{ reasons: string[]; revision: string; runId?: number }>;
    return recs.some((r) => r.reasons.includes('watch') && r.revision.startsWith('worktree:'));
  });

  const metrics = parsePrometheus((await http(`${base}/metrics`)).text);
  assert.ok((metrics.get('boreas_triggers_total{source="resync"}') ?? 0) >= 1);
  assert.ok((metrics.get('boreas_triggers_total{source="watch"}') ?? 0) >= 1);

  // Reconciles never overlap: each starts after the previous one finished.
  const started = daemon
    .logs()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { msg: string; seq?: number });
  let open = 0;
  for (const l of started) {
    if (l.msg === 'reconcile started') assert.equal(++open, 1, 'two reconciles ran at once');
    if (l.msg === 'reconcile finished' || l.msg === 'reconcile did not converge' || l.msg === 'revision is invalid; nothing was applied') open--;
  }

  assert.equal(await daemon.stop(), 0, daemon.logs());
});
