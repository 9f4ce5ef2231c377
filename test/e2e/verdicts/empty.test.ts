// Issue repro 5, through the real CLI with real processes: a repository path without manifests is an
// error for validate, plan and reconcile ("no manifests found under <dir>", exit 1) and deletes
// nothing; --allow-empty plans the deletions, and the mass-delete guard still holds back a run that
// would delete more than half (or all) of an environment until --allow-mass-delete.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type AppOptions, createFleet, freePort, reconcileArgs } from '../../helpers/local-fleet.js';

test('repro 5: an empty path deletes nothing; --allow-empty plans deletions; the mass-delete guard asks first', { timeout: 300_000 }, async (t) => {
  const fleet = await createFleet();
  const empty = await mkdtemp(join(tmpdir(), 'boreas-empty-'));
  t.after(async () => {
    await fleet.cleanup();
    await rm(empty, { recursive: true, force: true });
  });
  const p = await freePort(8);
  const apps: AppOptions[] = ['a', 'b', 'c', 'd'].map((name, i) => ({ name, port: p + 2 * i }));
  await fleet.setApps(apps);
  assert.equal((await fleet.cli(reconcileArgs(fleet))).code, 0);
  const serving = async () =>
    (
      await Promise.all(
        apps.map((a) =>
          fleet.get(a.port).then(
            (r) => r.status === 200,
            () => false,
          ),
        ),
      )
    ).filter(Boolean).length;
  assert.equal(await serving(), 4);

  for (const args of [['validate'], ['plan'], ['plan', '--detailed-exitcode'], ['reconcile', '--once']]) {
    const r = await fleet.cli([...args, '--repo', empty]);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, new RegExp(`no manifests found under ${empty}\\b`));
    assert.match(r.stderr, /--allow-empty/);
    assert.doesNotMatch(r.stdout + r.stderr, /to delete|\n\s+at /);
  }
  assert.equal(await serving(), 4, 'nothing was deleted');

  // Meant: the plan shows the four deletions, held back by the mass-delete guard.
  assert.equal((await fleet.cli(['validate', '--repo', empty, '--allow-empty'])).code, 0);
  const plan = await fleet.cli(['plan', '--repo', empty, '--allow-empty']);
  assert.match(plan.stdout, /^Plan: 0 to create, 0 to change, 4 to delete\.$/m);
  assert.match(plan.stdout, /Held back: environment dev: this would delete 4 of the 4 application\(s\) Boreas manages there; pass --allow-mass-delete/);
  const held = await fleet.cli([...reconcileArgs(fleet), '--repo', empty, '--allow-empty']);
  assert.equal(held.code, 1, held.stdout + held.stderr);
  assert.match(held.stdout, /Not converged: mass delete held back/);
  assert.match(held.stdout, /this would delete 4 of the 4 application\(s\) Boreas manages there; pass --allow-mass-delete/);
  assert.equal(await serving(), 4, 'held back before any change');

  // Three of four leave Git: more than half, held back too; allowed, exactly those three go.
  await fleet.setApps(apps.slice(0, 1), 'only a');
  const three = await fleet.cli(reconcileArgs(fleet));
  assert.equal(three.code, 1, three.stdout + three.stderr);
  assert.match(three.stdout, /this would delete 3 of the 4 application\(s\)/);
  assert.equal(await serving(), 4);
  const allowed = await fleet.cli([...reconcileArgs(fleet), '--allow-mass-delete']);
  assert.equal(allowed.code, 0, allowed.stdout + allowed.stderr);
  assert.equal(await serving(), 1);
  assert.equal((await fleet.get(apps[0].port)).status, 200);

  // Both flags: the empty path deletes the last one.
  const all = await fleet.cli([...reconcileArgs(fleet), '--repo', empty, '--allow-empty', '--allow-mass-delete']);
  assert.equal(all.code, 0, all.stdout + all.stderr);
  assert.equal(await serving(), 0);
});
