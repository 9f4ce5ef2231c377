// The state file lost or damaged under running apps (deleted, emptied, truncated, overwritten with
// garbage). reconcile, plan and status refuse a damaged file in one line naming it and saying what to
// do — never a stack trace, never a fresh install that would start every app a second time — and
// `boreas down` still stops every app from the per-instance records. Real processes, real CLI.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { createFleet, freePort, reconcileArgs } from '../helpers/local-fleet.js';
import { listenersOn, processesWhere } from '../helpers/procfs.js';

// In this order, each damaging the file the previous one left: only truncation needs a valid file.
const damage: { name: string; why: string; apply(file: string): void }[] = [
  { name: 'truncated', why: 'database disk image is malformed', apply: (f) => truncateSync(f, Math.floor(statSync(f).size / 2)) },
  { name: 'emptied', why: 'the file is empty', apply: (f) => truncateSync(f, 0) },
  { name: 'garbage', why: 'not an SQLite database', apply: (f) => writeFileSync(f, randomBytes(64 * 1024)) },
];

const refusal = (file: string, why: string) => `boreas: ${file}: not a Boreas state file (${why}); move it away or restore a backup\n`;

test('a missing or damaged state file: reconcile refuses it in one line, down still stops every app', async (t) => {
  const fleet = await createFleet();
  t.after(() => fleet.cleanup());
  const apps = [
    { name: 'api', port: await freePort(1) },
    { name: 'web', port: await freePort(1) },
  ];
  await fleet.setApps(apps);
  const instancesDir = join(dirname(fleet.stateFile), 'local', 'instances');
  const running = () => processesWhere((env) => env.BOREAS_INSTANCE_DIR?.startsWith(`${instancesDir}/`) === true);
  const up = async (what: string) => {
    const res = await fleet.cli(reconcileArgs(fleet));
    assert.equal(res.code, 0, `${what}: ${res.stdout}${res.stderr}`);
    assert.equal(running().length, 2, `${what}: both apps run`);
  };
  const downStopsAll = async (what: string, stderr: string) => {
    const down = await fleet.cli(['down']);
    assert.equal(down.code, 0, `${what}: ${down.stdout}${down.stderr}`);
    assert.equal(down.stderr, stderr, `${what}: down`);
    for (const app of apps)
      assert.match(down.stdout, new RegExp(`^- local instance ${app.name}-0 \\(from its record\\)$`, 'm'), `${what}: down names ${app.name}`);
    assert.deepEqual(
      running().map((p) => `${p.pid} ${p.env.BOREAS_INSTANCE}`),
      [],
      `${what}: down leaves no process`,
    );
    for (const app of apps) assert.deepEqual(listenersOn(app.port), [], `${what}: nothing listens on ${app.port}`);
  };

  await up('first reconcile');
  for (const { name, why, apply } of damage) {
    apply(fleet.stateFile);
    const bytes = readFileSync(fleet.stateFile);
    const again = await fleet.cli(reconcileArgs(fleet));
    assert.deepEqual([again.code, again.stderr, again.stdout], [2, refusal(fleet.stateFile, why), ''], `${name}: reconcile`);
    assert.deepEqual(readFileSync(fleet.stateFile), bytes, `${name}: the file is left as it was`);
    assert.equal(running().length, 2, `${name}: nothing was started a second time`);
  }
  const garbage = refusal(fleet.stateFile, 'not an SQLite database');
  const plan = await fleet.cli(['plan', '--repo', fleet.repo.dir]);
  assert.deepEqual([plan.code, plan.stderr], [1, garbage], 'plan');
  const status = await fleet.cli(['status']);
  assert.deepEqual([status.code, status.stderr], [2, garbage], 'status');
  await downStopsAll('garbage', garbage);

  rmSync(fleet.stateFile);
  await up('a fresh start');
  rmSync(fleet.stateFile);
  await downStopsAll('missing', '');
});
