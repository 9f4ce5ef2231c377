// Graceful shutdown: SIGTERM while the first reconcile is still running lets it finish, then the
// daemon exits 0; the state it wrote is complete (the app is in the inventory and `boreas down`
// removes it). Webhooks are refused (403) when no secret is configured.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
import { http, daemonFixture } from './daemon-process.js';

test('daemon: SIGTERM during a reconcile waits for it, exits 0, and leaves a complete state', { timeout: 90_000 }, async (t) => {
  const fx = await daemonFixture(t, 'stop');
  const { appPort, repo, state } = fx;
  const daemon = await fx.start([
    '--repo',
    repo.dir,
    '--ref',
    'main',
    '--path',
    'manifests',
    '--state',
    state,
    '--interval',
    '1h',
    '--resync',
    '1h',
    '--log-format',
    'json',
  ]);

  const hook = await http(`${daemon.base}/hooks/github`, { method: 'POST', body: '{}', headers: { 'x-github-event': 'push' } });
  assert.equal(hook.status, 403, 'no secret configured: webhooks are refused');
  assert.equal((await http(`${daemon.base}/v1/ready`)).status, 503, 'the first reconcile is still running');

  // Stop while the first reconcile runs (it has to start the app and wait for its health check).
  const code = await daemon.stop(30_000);
  assert.equal(code, 0, daemon.logs());
  const log = daemon
    .logs()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { msg: string; clean?: boolean; busy?: boolean });
  const idx = (msg: string) => log.findIndex((l) => l.msg === msg);
  assert.equal(log[idx('shutting down: no new triggers; waiting for the running reconcile')].busy, true, daemon.logs());
  assert.ok(idx('reconcile finished') > idx('signal received'), 'the reconcile finished after the signal');
  assert.ok(idx('daemon stopped') > idx('reconcile finished'));
  assert.equal(log[idx('daemon stopped')].clean, true);
  assert.equal(log.filter((l) => l.msg === 'reconcile started').length, 1, 'no new reconcile started after SIGTERM');

  // The run completed: the app answers and `boreas down` finds it in the state file.
  assert.equal((await http(`http://127.0.0.1:${appPort}/`)).json.message, 'one');
  const down = await runCli(['down', '--state', state]);
  assert.equal(down.code, 0, down.stderr);
  assert.match(down.stdout, /Instance\/hello-0/);
});
