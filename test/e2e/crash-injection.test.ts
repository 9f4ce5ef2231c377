// Crash injection: `boreas reconcile --once` killed with SIGKILL at random moments while 20 apps that
// each bind a port come up (and, from the second round on, while some of them restart on a new
// version). Whatever the moment, the rerun must converge with exactly one process per instance — the
// one holding its port — and `down` must leave no process of any instance behind. The kill points
// come from a seeded generator; the seed is printed, and BOREAS_CRASH_SEED=<seed> replays a run.
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { instanceIdentity } from '../../src/runtime/process/identity.js';
import { spawnCli } from '../helpers/cli.js';
import { type AppOptions, createFleet, freePort, reconcileArgs } from '../helpers/local-fleet.js';
import { listenersOn, processesWhere } from '../helpers/procfs.js';

/** mulberry32: a tiny seeded generator, so a failing sequence of kill points can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Waits (polling /proc) until a process matching `ours` appears that was not there before; false on timeout. */
async function nextSpawn(ours: (env: Record<string, string>) => boolean, timeoutMs: number): Promise<boolean> {
  const before = new Set(processesWhere(ours).map((p) => p.pid));
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (processesWhere(ours).some((p) => !before.has(p.pid))) return true;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return false;
}

const apps = 20;
const kills = 12;

test(`reconcile --once killed with SIGKILL ${kills} times: the rerun converges with one process per port, down leaves none`, async (t) => {
  const seed = Number(process.env.BOREAS_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
  t.diagnostic(`crash seed ${seed} (replay with BOREAS_CRASH_SEED=${seed})`);
  const random = seeded(seed);
  const fleet = await createFleet();
  t.after(() => fleet.cleanup());
  const workDir = join(dirname(fleet.stateFile), 'local');
  const instancesDir = join(workDir, 'instances');
  const ours = (env: Record<string, string>) => env.BOREAS_INSTANCE_DIR?.startsWith(`${instancesDir}/`) === true;

  const ports = new Set<number>();
  while (ports.size < apps) ports.add(await freePort(1));
  const fleetApps: AppOptions[] = [...ports].map((port, i) => ({
    name: `app${String(i).padStart(2, '0')}`,
    port,
    // 1–3.5 s between the process starting and its port being bound: kills land in that window too,
    // and a run (which waits for every started app's health) outlasts the 0.3–3 s kill points
    // however fast the CLI itself is.
    env: { STARTUP_DELAY_MS: String(1000 + Math.floor(random() * 2500)) },
  }));
  await fleet.setApps(fleetApps, 'v1 of every app');

  const outcomes: string[] = [];
  for (let round = 0; round < kills; round++) {
    if (round > 0) {
      // A new revision restarts about a third of the apps, so kills also hit stop-then-start.
      for (const app of fleetApps) if (random() < 0.33) app.version = `v${round + 1}`;
      await fleet.setApps(fleetApps, `round ${round}`);
    }
    const child = spawnCli([...reconcileArgs(fleet), '--state', fleet.stateFile]);
    const exited = new Promise<string>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? `exit ${code}`)));
    child.stdout!.resume();
    // The kill point counts from the first plan the run prints (execution starts right after), so
    // a slow start of the CLI on a loaded machine does not push every kill before the first spawn.
    let err = '';
    const planned = new Promise<void>((resolve) => child.stderr!.on('data', (d) => (err += d) && /pass \d+:/.test(err) && resolve()));
    const delay = 300 + Math.floor(random() * 2700);
    const early = await Promise.race([exited, planned.then(() => sleep(delay)).then(() => undefined)]);
    // Every other round waits, after its random point, for the next process to appear and kills
    // right then: the moment between a spawn and the record of it is the one that loses processes.
    const atSpawn = round % 2 === 1 && early === undefined && (await nextSpawn(ours, 1500));
    if (early === undefined) child.kill('SIGKILL');
    outcomes.push(`${delay}ms${atSpawn ? '+spawn' : ''}:${early ?? (await exited)}`);
  }
  t.diagnostic(`rounds: ${outcomes.join(' ')}`);
  assert.ok(outcomes.filter((o) => o.endsWith('SIGKILL')).length >= kills / 2, `most rounds were killed mid-run: ${outcomes.join(' ')}`);

  const t0 = Date.now();
  const rerun = await fleet.cli(reconcileArgs(fleet));
  t.diagnostic(`rerun took ${Date.now() - t0} ms`);
  assert.equal(rerun.code, 0, `the rerun converges:\n${rerun.stdout}${rerun.stderr}`);

  // Exactly one process per instance, and it is the one holding the instance's port.
  const running = processesWhere(ours);
  const byInstance = new Map<string, number[]>();
  for (const p of running) byInstance.set(p.env.BOREAS_INSTANCE, [...(byInstance.get(p.env.BOREAS_INSTANCE) ?? []), p.pid]);
  const expected = fleetApps.map((a) => `${a.name}-0`).sort();
  assert.deepEqual([...byInstance.keys()].sort(), expected, 'one entry per instance');
  for (const [instance, pids] of byInstance) assert.equal(pids.length, 1, `${instance} runs as ${pids.length} processes: ${pids.join(', ')}`);
  for (const app of fleetApps) {
    assert.deepEqual(listenersOn(app.port), byInstance.get(`${app.name}-0`), `port ${app.port} is held by ${app.name}-0 alone`);
    const res = await fleet.get(app.port);
    assert.equal(res.status, 200);
    assert.equal(res.body.instance, `${app.name}-0`);
    assert.equal(res.body.version, app.version ?? 'v1');
  }
  for (const p of running) {
    assert.equal(p.env.BOREAS_INSTANCE_IDENTITY, instanceIdentity(workDir, p.env.BOREAS_INSTANCE), 'every process carries its instance identity');
    assert.equal(p.env.BOREAS_INSTANCE_ID, '0', 'and still sees its ordinal in BOREAS_INSTANCE_ID');
  }

  const down = await fleet.cli(['down']);
  assert.equal(down.code, 0, down.stdout + down.stderr);
  const identities = new Set(expected.map((i) => instanceIdentity(workDir, i)));
  const left = processesWhere((env) => ours(env) || identities.has(env.BOREAS_INSTANCE_IDENTITY));
  assert.deepEqual(
    left.map((p) => `${p.pid} ${p.env.BOREAS_INSTANCE}`),
    [],
    'down leaves no process of any instance',
  );
  for (const app of fleetApps) assert.deepEqual(listenersOn(app.port), [], `nothing listens on ${app.port} after down`);
});
