// A node that answers, but not as it should, through the real CLI and a real agent behind a
// fault-injecting proxy (test/helpers/fault-proxy.ts): a task whose answer never comes must not hold
// `reconcile --once` past its --timeout or past Ctrl-C (plus --grace), and the rerun converges
// without a second process; an observe answer that leaves resources out makes them Unknown, never
// "missing" (which would re-create them).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { processesWhere } from '../../helpers/procfs.js';
import { spawnCli } from '../../helpers/cli.js';
import { startFaultProxy } from '../../helpers/fault-proxy.js';
import { apiApp, type Fleet, hit, startFleet } from '../../agent/e2e-helpers.js';
import type { FaultProxy } from '../../helpers/fault-proxy.js';

// One node for the whole file, reached through the proxy; each test starts from a converged run.
let fleet: Fleet;
let proxy: FaultProxy;
const app = (version: string) =>
  fleet.writeManifest('api.yaml', apiApp(fleet.server).replace('replicas: 3', 'replicas: 1').replace('version: v1', `version: ${version}`));
const processes = () => processesWhere((env) => env.BOREAS_INSTANCE_DIR?.startsWith(fleet.dir) ?? false);

before(async () => {
  fleet = await startFleet(1, 130);
  proxy = await startFaultProxy(fleet.agents[0].url);
  const nodeFile = join(fleet.repo, 'node-1.yaml');
  writeFileSync(nodeFile, readFileSync(nodeFile, 'utf8').replace(/address: \S+/, `address: ${proxy.address}`));
  app('v1');
  const first = await fleet.reconcile(['--timeout', '60s']);
  assert.equal(first.code, 0, first.stdout + first.stderr);
});

after(async () => {
  await proxy?.close();
  await fleet?.cleanup();
});

test('a task whose answer never comes: the run ends at --timeout and at Ctrl-C, the rerun converges with one process', { timeout: 60_000 }, async () => {
  // The agent gets the task and runs it, but its answer never reaches the controller: the run gives
  // up at its deadline (plus the grace), not after the 120 s task timeout times its retries.
  proxy.set('hold', /^\/v1\/tasks/);
  app('v2');
  const late = await fleet.reconcile(['--timeout', '2s', '--grace', '1s']);
  assert.equal(late.code, 1, late.stdout + late.stderr);
  assert.match(late.stdout, /^Not converged/m);
  assert.match(late.stdout, /\/v1\/tasks abandoned: the run was interrupted or reached its --timeout/);
  assert.doesNotMatch(late.stdout, /Converged|No changes/);

  // Ctrl-C while the answer is held: exit 130 once the grace is over.
  app('v3');
  const child = spawnCli(['reconcile', '--once', '--repo', fleet.repo, '--state', fleet.state, '--timeout', '60s', '--grace', '1s']);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const heldBefore = proxy.hits();
  for (let i = 0; i < 600 && proxy.hits() === heldBefore; i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(proxy.hits() > heldBefore, `the task reached the proxy: ${out}`);
  const code = await new Promise<number | null>((resolve) => {
    child.once('exit', (c) => resolve(c));
    child.kill('SIGINT');
  });
  assert.equal(code, 130, out);
  assert.match(out, /interrupted/i);

  // The node is fine again: the rerun converges on v3 with one process, the agent's replay of the
  // held tasks started nothing twice.
  proxy.set(undefined);
  const rerun = await fleet.reconcile(['--timeout', '60s']);
  assert.equal(rerun.code, 0, rerun.stdout + rerun.stderr);
  assert.match(rerun.stdout, /^(Converged|No changes)/m);
  assert.equal(await hit(fleet.hosts[0]), `v3 api-0 ${fleet.hosts[0]}`);
  assert.equal(processes().length, 1, JSON.stringify(processes()));
  // The node ran the held tasks: the rerun found v3 in sync, and `status` agrees with it (not an
  // older version "drifted" from a record the lost answers never updated).
  const status = JSON.parse((await fleet.cli(['status', 'api', '--state', fleet.state, '--output', 'json'])).stdout);
  const [instance] = status.instances;
  assert.deepEqual([status.sync, instance.version, instance.sync], ['in-sync', 'v3', 'in-sync'], JSON.stringify(status));
});

test('an observe answer that leaves resources out: they are Unknown, neither re-created nor "No changes"', { timeout: 60_000 }, async () => {
  proxy.set('drop-observations', /^\/v1\/observe/);
  const plan = await fleet.cli(['plan', '--repo', fleet.repo, '--state', fleet.state, '--detailed-exitcode']);
  assert.equal(plan.code, 1, plan.stdout + plan.stderr);
  assert.match(plan.stdout, /\? Instance api-0 \(api, agent:node-1\)/);
  assert.match(plan.stdout, /agent:node-1 did not report Instance api-0/);
  assert.doesNotMatch(plan.stdout, /No changes|now missing/);
  const blind = await fleet.reconcile(['--timeout', '20s']);
  assert.equal(blind.code, 1, blind.stdout + blind.stderr);
  assert.match(blind.stdout, /^Not converged: \d+ resources? unknown/m);
  assert.match(blind.stdout, /Tasks: 0 run/);
  assert.equal(processes().length, 1, 'nothing was started a second time');
});

test('an observe answer cut short: one clear line naming the node and the path, Unknown, no stack trace', { timeout: 60_000 }, async () => {
  proxy.set('invalid-json', /^\/v1\/observe/);
  const cut = await fleet.cli(['plan', '--repo', fleet.repo, '--state', fleet.state]);
  assert.equal(cut.code, 1, cut.stdout + cut.stderr);
  assert.match(cut.stdout, /node node-1 \(http:\/\/127\.0\.0\.1:\d+\): \/v1\/observe(-digests)? answered invalid JSON/);
  assert.doesNotMatch(cut.stdout + cut.stderr, /\n\s+at |No changes/);
});

test('a task answer that is no task result: the task failed, naming the node, never counted as applied', { timeout: 60_000 }, async () => {
  proxy.set('not-a-result', /^\/v1\/tasks/);
  app('v4');
  const lied = await fleet.reconcile(['--timeout', '20s']);
  assert.equal(lied.code, 1, lied.stdout + lied.stderr);
  assert.match(lied.stdout, /^Tasks: 1 run, 0 succeeded, 1 failed/m);
  assert.match(lied.stdout, /agent:node-1\/Instance\/api-0: node node-1: StartInstance answered without a valid task result/);
  assert.equal(await hit(fleet.hosts[0]), `v3 api-0 ${fleet.hosts[0]}`, 'nothing reached the node');
  proxy.set(undefined);
});

test('down --all while the node cannot be observed: its resources are kept and reported, exit 1; the next down removes them', { timeout: 60_000 }, async () => {
  proxy.set('invalid-json', /^\/v1\/observe/);
  const blind = await fleet.cli(['down', '--all', '--state', fleet.state]);
  assert.equal(blind.code, 1, blind.stdout + blind.stderr);
  assert.match(blind.stdout, /^\? node node-1 .*answered invalid JSON.*: 1 resource\(s\) kept; run down again once it answers$/m);
  assert.match(blind.stdout, /^Removed 0 of 1 resource\(s\)\.$/m);
  assert.doesNotMatch(blind.stdout, /Nothing to remove/);
  assert.equal(processes().length, 1, 'the instance still runs');
  proxy.set(undefined);
  const down = await fleet.cli(['down', '--all', '--state', fleet.state]);
  assert.equal(down.code, 0, down.stdout + down.stderr);
  assert.match(down.stdout, /^Removed 1 of 1 resource\(s\)\.$/m);
  assert.equal(processes().length, 0);
});
