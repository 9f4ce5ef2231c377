// Issue repro 1, through the real CLI with a real agent: a node whose agent is stopped, or that rejects
// the token, is Unknown. `reconcile --once` exits 1 with "Not converged: 1 resource unknown (node …)",
// `plan` exits 1 (also with --detailed-exitcode) and never says "No changes", nothing is reported as
// "kept although removed from Git"; the daemon's /metrics (boreas_resources{state="unknown"}), its API
// and `boreas status` agree.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { apiApp, hit, startFleet } from '../../agent/e2e-helpers.js';
import { http, parsePrometheus, startDaemonProcess } from '../../daemon/daemon-process.js';
import { freePort } from '../../helpers/ports.js';

const notConvergedButSure = /No changes|Converged|Kept although removed from Git|kept although no longer in Git/;

test('repro 1: an unreachable or unauthorized node is Unknown — never converged, never "No changes", never pruned', { timeout: 300_000 }, async (t) => {
  const fleet = await startFleet(1, 70);
  t.after(() => fleet.cleanup());
  fleet.writeManifest('api.yaml', apiApp(fleet.server).replace('replicas: 3', 'replicas: 1'));
  const first = await fleet.reconcile(['--timeout', '60s']);
  assert.equal(first.code, 0, first.stdout + first.stderr);
  assert.equal(await hit(fleet.hosts[0]), 'v1 api-0 127.0.0.71');

  // The agent stops (its instance keeps running): the node is unreachable.
  await fleet.agents[0].stop('SIGKILL');
  const down = await fleet.reconcile(['--timeout', '20s']);
  assert.equal(down.code, 1, down.stdout + down.stderr);
  assert.match(down.stdout, /^Not converged: 1 resource unknown \(node node-1 unreachable\)/m);
  assert.match(down.stdout, /node node-1 .*unreachable.*\(1 resource unknown: neither pruned nor re-created\)/);
  assert.doesNotMatch(down.stdout, notConvergedButSure);
  for (const extra of [[], ['--detailed-exitcode']]) {
    const plan = await fleet.cli(['plan', '--repo', fleet.repo, '--state', fleet.state, ...extra]);
    assert.equal(plan.code, 1, `plan ${extra.join(' ')}: ${plan.stdout}${plan.stderr}`);
    assert.match(plan.stdout, /Unknown: 1 resource could not be observed, so they are neither pruned nor re-created:\n {2}node node-1 .*unreachable/);
    assert.match(plan.stdout, /\? Instance api-0 \(api, agent:node-1\)/);
    assert.doesNotMatch(plan.stdout, /No changes/);
  }

  // The daemon on the same repository and state: metrics, API and `status` agree on one Unknown.
  const port = await freePort(1);
  const daemon = await startDaemonProcess(['--repo', fleet.repo, '--state', fleet.state, '--interval', '1h', '--resync', '1h', '--timeout', '20s'], port);
  t.after(() => daemon.stop());
  let metrics = new Map<string, number>();
  for (let i = 0; i < 600 && !metrics.get('boreas_reconcile_total{result="not_converged"}'); i++) {
    await new Promise((r) => setTimeout(r, 100));
    metrics = parsePrometheus((await http(`${daemon.base}/metrics`)).text);
  }
  assert.equal(metrics.get('boreas_reconcile_total{result="not_converged"}'), 1, daemon.logs());
  assert.equal(metrics.get('boreas_resources{state="unknown"}'), 1);
  assert.equal(metrics.get('boreas_resources{state="in_sync"}'), 0);
  const drift = (await http(`${daemon.base}/api/v1/drift`)).json;
  assert.deepEqual(drift.resources, { in_sync: 0, drifted: 0, missing: 0, unknown: 1 });
  assert.deepEqual(
    drift.unknown.map((u: { id: string; reason: string }) => [u.id, u.reason]),
    [['agent:node-1/Instance/api-0', 'unreachable']],
  );
  const apps = (await http(`${daemon.base}/api/v1/applications`)).json.applications;
  assert.equal(apps[0].instances[0].health.status, 'Unknown');
  await daemon.stop();
  const status = await fleet.cli(['status', '--state', fleet.state]);
  assert.match(status.stdout, /api-0 .*Unknown/, status.stdout);
  assert.match(status.stdout, /node node-1 \(http:\/\/127\.0\.0\.1:\d+\) is unreachable/);
  const v1 = JSON.parse((await fleet.cli(['status', 'api', '--output', 'v1-json', '--state', fleet.state])).stdout);
  assert.deepEqual(v1.versions[0].nodes, [{ node: 'node-1', healthy: { level: 0 } }]);

  // Back on the same port, but the Node's token is wrong: unauthorized (401), still Unknown.
  const agentPort = Number(new URL(fleet.agents[0].url).port);
  fleet.agents[0].extraArgs.splice(0, fleet.agents[0].extraArgs.length, '--listen', `127.0.0.1:${agentPort}`);
  await fleet.agents[0].start();
  const wrongToken = join(fleet.dir, 'wrong-token');
  writeFileSync(wrongToken, 'not-the-token\n', { mode: 0o600 });
  const nodeFile = join(fleet.repo, 'node-1.yaml');
  writeFileSync(nodeFile, readFileSync(nodeFile, 'utf8').replace(/tokenFrom: \{file: [^}]+\}/, `tokenFrom: {file: ${wrongToken}}`));
  const plan = await fleet.cli(['plan', '--repo', fleet.repo, '--state', fleet.state, '--detailed-exitcode']);
  assert.equal(plan.code, 1, plan.stdout + plan.stderr);
  assert.match(plan.stdout, /node node-1: unauthorized \(401\)/);
  assert.doesNotMatch(plan.stdout, /No changes/);
  const denied = await fleet.reconcile(['--timeout', '20s']);
  assert.equal(denied.code, 1, denied.stdout + denied.stderr);
  assert.match(denied.stdout, /^Not converged: 1 resource unknown \(node node-1 unauthorized\)/m);
  assert.doesNotMatch(denied.stdout, notConvergedButSure);
  assert.doesNotMatch(denied.stdout + denied.stderr, /not-the-token/, 'the token is never printed');
  assert.equal(await hit(fleet.hosts[0]), 'v1 api-0 127.0.0.71', 'the Unknown instance was neither stopped nor started twice');
});
