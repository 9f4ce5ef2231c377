// kill -9 of `boreas reconcile --once` mid-run, then a rerun: it converges and no side effect is
// repeated — no instance is started twice, none runs twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnCli } from '../helpers/cli.js';
import { createFleet, freePort, reconcileArgs } from '../helpers/local-fleet.js';

async function waitUntil(cond: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('a reconcile killed with SIGKILL resumes from SQLite without repeating work', async (t) => {
  const fleet = await createFleet();
  t.after(() => fleet.cleanup());
  const apps = [];
  for (const name of ['a', 'b', 'c', 'd']) apps.push({ name, port: await freePort(), env: { STARTUP_DELAY_MS: '1200' } });
  await fleet.setApps(apps);

  // One task at a time, each waiting ~1.2 s for health: kill once two instances have started.
  const child = spawnCli([...reconcileArgs(fleet, '--concurrency', '1'), '--state', fleet.stateFile]);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ? null : code)));
  await waitUntil(async () => [...(await fleet.starts()).values()].length >= 2, 60_000, 'two instances to start');
  child.kill('SIGKILL');
  assert.equal(await exited, null, 'the CLI died by the signal');
  const startedBeforeKill = await fleet.starts();
  assert.ok(startedBeforeKill.size < 4, 'killed mid-run');

  const rerun = await fleet.cli([...reconcileArgs(fleet), '--output', 'json']);
  assert.equal(rerun.code, 0, rerun.stdout + rerun.stderr);
  const summary = JSON.parse(rerun.stdout.trim().split('\n').pop()!);
  assert.equal(summary.converged, true);
  assert.ok(summary.tasks.run <= 4 - startedBeforeKill.size, `the rerun only did what was left (${summary.tasks.run} tasks)`);

  const starts = await fleet.starts();
  assert.deepEqual([...starts.keys()].sort(), ['a-0', 'b-0', 'c-0', 'd-0']);
  for (const [instance, n] of starts) assert.equal(n, 1, `${instance} was started ${n} times`);
  for (const app of apps) assert.equal((await fleet.get(app.port)).status, 200);

  // And the run after that has nothing left to do.
  assert.match((await fleet.cli(reconcileArgs(fleet))).stdout, /No changes/);

  // The instance that was mid-start at the kill is known to the state file too: `down` stops all four.
  const down = await fleet.cli(['down']);
  assert.equal(down.code, 0, down.stdout + down.stderr);
  for (const app of apps) await assert.rejects(fleet.get(app.port), `${app.name} still answers after down`);
});
