// End to end on three real agents (three nodes): `boreas reconcile --once` places 3 replicas, one per
// node, and they serve; status shows the v1 shape; an agent killed makes its node offline and
// the app degraded; the agent restarted repeats no task; a cordoned node's instance moves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiApp, hit, startFleet } from './e2e-helpers.js';

test('3 nodes: placement, serving, status shape, offline node, restart repeats nothing', async (t) => {
  const fleet = await startFleet(3, 20);
  t.after(() => fleet.cleanup());
  fleet.writeManifest('api.yaml', apiApp(fleet.server));

  const first = await fleet.reconcile();
  assert.equal(first.code, 0, first.stdout + first.stderr);
  assert.match(first.stdout, /Converged/);
  assert.match(first.stdout, /Tasks: 3 run, 3 succeeded, 0 failed/);
  assert.deepEqual(await Promise.all(fleet.hosts.map((h) => hit(h))), ['v1 api-0 127.0.0.21', 'v1 api-1 127.0.0.22', 'v1 api-2 127.0.0.23']);

  const status = await fleet.statusJson('api');
  assert.deepEqual(status, {
    app: 'api',
    healthy: { level: 100 },
    versions: [
      { version: 'v1', percent: 100, healthy: { level: 100 }, nodes: ['node-1', 'node-2', 'node-3'].map((node) => ({ node, healthy: { level: 100 } })) },
    ],
  });

  // Unchanged manifest: nothing moves, nothing runs.
  const again = await fleet.reconcile();
  assert.equal(again.code, 0);
  assert.match(again.stdout, /No changes/);

  // node-2's agent dies: its node is reported offline and the app degraded.
  await fleet.agents[1].stop('SIGKILL');
  await fleet.reconcile(['--timeout', '20s']);
  const degraded = await fleet.statusJson('api');
  assert.equal(degraded.healthy.level < 100, true, JSON.stringify(degraded));
  const node2 = degraded.versions[0].nodes.find((n: { node: string }) => n.node === 'node-2');
  assert.deepEqual(node2, { node: 'node-2', healthy: { level: 0 } });
  const text = await fleet.cli(['status', 'api', '--state', fleet.state]);
  assert.match(text.stdout, /node node-2 \(http:\/\/127\.0\.0\.1:\d+\) is unreachable/);

  // Restarted on the same work dir and port: the node converges back to healthy, and a further
  // reconcile runs nothing (the agent remembers what it applied across the restart).
  const port = Number(new URL(fleet.agents[1].url).port);
  fleet.agents[1].extraArgs.splice(0, fleet.agents[1].extraArgs.length, '--listen', `127.0.0.1:${port}`);
  await fleet.agents[1].start();
  const back = await fleet.reconcile();
  assert.equal(back.code, 0, back.stdout + back.stderr);
  assert.equal((await fleet.statusJson('api')).healthy.level, 100);
  assert.equal(await hit(fleet.hosts[1]), 'v1 api-1 127.0.0.22');
  const quiet = await fleet.reconcile();
  assert.equal(quiet.code, 0);
  assert.match(quiet.stdout, /No changes/);

  // Cordon node-3 (room for 2 per node): plan shows api-2 moving to the least-loaded node, node-1, as
  // one move (not an unrelated create and delete).
  fleet.writeManifest('api.yaml', apiApp(fleet.server).replace('maxPerNode: 1', 'maxPerNode: 2'));
  fleet.writeManifest('node-3.yaml', readFileSync(join(fleet.repo, 'node-3.yaml'), 'utf8').replace('tokenFrom:', 'cordoned: true\n  tokenFrom:'));
  const plan = await fleet.cli(['plan', '--repo', fleet.repo, '--state', fleet.state]);
  assert.match(plan.stdout, /> move Instance api-2: agent:node-3 → agent:node-1 \(Moved: placement: a node cordoned, gone or no longer selected\)/);
  assert.doesNotMatch(plan.stdout, /[+-] Instance api-2/);
  assert.match(plan.stdout, /Plan: 0 to create, 0 to change, 0 to delete, 1 to move\./);
  assert.doesNotMatch(plan.stdout, /Instance api-[01]/, 'nothing else moves');
  const moved = await fleet.reconcile();
  assert.equal(moved.code, 0, moved.stdout + moved.stderr);
  assert.equal(await hit(fleet.hosts[0], 18081), 'v1 api-2 127.0.0.21', 'second slot on node-1 serves on port + 1');
  assert.match(await hit(fleet.hosts[2]), /^error/, 'nothing left on the cordoned node');
  assert.equal(await hit(fleet.hosts[0]), 'v1 api-0 127.0.0.21', 'api-0 did not move');
});
