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

const damage: Record<string, { why?: string; apply(file: string): void }> = {
  missing: { apply: (f) => rmSync(f) },
  emptied: { why: 'the file is empty', apply: (f) => truncateSync(f, 0) },
  truncated: { why: 'database disk image is malformed', apply: (f) => truncateSync(f, Math.floor(statSync(f).size / 2)) },
  garbage: { why: 'not an SQLite database', apply: (f) => writeFileSync(f, randomBytes(64 * 1024)) },
};

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

  for (const [name, { why, apply }] of Object.entries(damage)) {
    rmSync(fleet.stateFile, { force: true }); // a fresh start for each kind of damage
    const up = await fleet.cli(reconcileArgs(fleet));
    assert.equal(up.code, 0, `${name}: ${up.stdout}${up.stderr}`);
    assert.equal(running().length, 2, `${name}: both apps run`);
    apply(fleet.stateFile);

    if (why) {
      const bytes = readFileSync(fleet.stateFile);
      const line = `boreas: ${fleet.stateFile}: not a Boreas state file (${why}); move it away or restore a backup\n`;
      const again = await fleet.cli(reconcileArgs(fleet));
      assert.deepEqual([again.code, again.stderr, again.stdout], [2, line, ''], `${name}: reconcile`);
      if (name === 'garbage') {
        const plan = await fleet.cli(['plan', '--repo', fleet.repo.dir]);
        assert.deepEqual([plan.code, plan.stderr], [1, line], 'plan');
        const status = await fleet.cli(['status']);
        assert.deepEqual([status.code, status.stderr], [2, line], 'status');
      }
      assert.deepEqual(readFileSync(fleet.stateFile), bytes, `${name}: the file is left as it was`);
      assert.equal(running().length, 2, `${name}: nothing was started a second time`);
    }

    const down = await fleet.cli(['down']);
    assert.equal(down.code, 0, `${name}: ${down.stdout}${down.stderr}`);
    assert.equal(down.stderr, why ? `boreas: ${fleet.stateFile}: not a Boreas state file (${why}); move it away or restore a backup\n` : '');
    for (const app of apps)
      assert.match(down.stdout, new RegExp(`^- local instance ${app.name}-0 \\(from its record\\)$`, 'm'), `${name}: down names ${app.name}`);
    assert.deepEqual(
      running().map((p) => `${p.pid} ${p.env.BOREAS_INSTANCE}`),
      [],
      `${name}: down leaves no process`,
    );
    for (const app of apps) assert.deepEqual(listenersOn(app.port), [], `${name}: nothing listens on ${app.port}`);
  }
});
