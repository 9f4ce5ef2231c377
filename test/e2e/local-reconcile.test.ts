// `boreas reconcile --once` on a local environment, end to end: real git repo, real CLI process,
// real application processes and files, real SQLite state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { createFleet, freePort, reconcileArgs, type AppOptions } from '../helpers/local-fleet.js';

test('converges, is a no-op the second time, heals drift, re-renders relations, stops and prunes', async (t) => {
  const fleet = await createFleet();
  t.after(() => fleet.cleanup());
  const [dbPort, webPort] = [await freePort(), await freePort()];
  const db: AppOptions = { name: 'db', port: dbPort };
  const web: AppOptions = { name: 'web', port: webPort, dependsOn: ['db'], relation: { name: 'db', application: 'db' }, configTemplate: 'db={{db.endpoints}}' };
  const rev1 = await fleet.setApps([db, web]);

  // 1. First run converges and the apps answer.
  const first = await fleet.cli([...reconcileArgs(fleet), '--output', 'json']);
  assert.equal(first.code, 0, first.stderr);
  const summary = JSON.parse(first.stdout.trim().split('\n').pop()!);
  assert.equal(summary.converged, true);
  assert.equal(summary.revision, rev1);
  assert.equal(summary.tasks.failed, 0);
  assert.ok(summary.tasks.run >= 3, 'db, web and its file were applied');
  assert.equal((await fleet.get(webPort)).body.config, `db=127.0.0.1:${dbPort}`);
  assert.equal((await fleet.get(dbPort)).status, 200);

  const status = await fleet.cli(['status']);
  assert.equal(status.code, 0);
  assert.match(status.stdout, /web\s+dev\s+\w{12}\s+in sync\s+100/);
  assert.match(status.stdout, new RegExp(rev1.slice(0, 12)));

  // 2. Second run: nothing changed, zero tasks, nothing restarted.
  const second = await fleet.cli(reconcileArgs(fleet));
  assert.equal(second.code, 0);
  assert.match(second.stdout, /No changes/);
  assert.match(second.stdout, /0 run/);
  assert.deepEqual([...(await fleet.starts())].sort(), [
    ['db-0', 1],
    ['web-0', 1],
  ]);

  // 3. Drift: kill a process and edit a rendered file; plan reports both, reconcile restores both.
  const dbPid = (await fleet.get(dbPort)).body.pid;
  process.kill(dbPid, 'SIGKILL');
  const confPath = join(dirname(fleet.stateFile), 'local', 'instances', 'web-0', 'app.conf');
  await writeFile(confPath, 'tampered');
  const plan = await fleet.cli(['plan', '--repo', fleet.repo.dir, '--detailed-exitcode']);
  assert.equal(plan.code, 2, plan.stderr);
  assert.match(plan.stdout, /db-0.*Drifted/);
  assert.match(plan.stdout, /app\.conf.*(edited|Drifted)/);
  const heal = await fleet.cli(reconcileArgs(fleet));
  assert.equal(heal.code, 0, heal.stdout + heal.stderr);
  assert.equal(await readFile(confPath, 'utf8'), `db=127.0.0.1:${dbPort}`);
  assert.equal((await fleet.get(dbPort)).status, 200);
  assert.notEqual((await fleet.get(dbPort)).body.pid, dbPid);

  // 4. Relation change: scaling db re-renders web's config and restarts web.
  await fleet.setApps([{ ...db, replicas: 2 }, web], 'scale db');
  const webPidBefore = (await fleet.get(webPort)).body.pid;
  const scaled = await fleet.cli(reconcileArgs(fleet));
  assert.equal(scaled.code, 0, scaled.stdout + scaled.stderr);
  const after = await fleet.get(webPort);
  assert.equal(after.body.config, `db=127.0.0.1:${dbPort},127.0.0.1:${dbPort + 1}`);
  assert.notEqual(after.body.pid, webPidBefore, 'web restarted with the new config');
  assert.equal((await fleet.get(dbPort + 1)).status, 200, 'second db instance listens on port + slot');

  // 5. Stopped: the process stops and stays stopped; a further run is a no-op.
  await fleet.setApps(
    [
      { ...db, replicas: 2 },
      { ...web, state: 'Stopped' },
    ],
    'stop web',
  );
  assert.equal((await fleet.cli(reconcileArgs(fleet))).code, 0);
  await assert.rejects(fleet.get(webPort), 'web no longer answers');
  assert.match((await fleet.cli(reconcileArgs(fleet))).stdout, /No changes/);

  // 6. Prune: with --no-prune the removed app is kept and reported; by default it is deleted.
  await fleet.setApps([{ ...db, replicas: 2 }], 'remove web');
  const kept = await fleet.cli(reconcileArgs(fleet, '--no-prune'));
  assert.equal(kept.code, 0);
  assert.match(kept.stdout + kept.stderr, /web-0/);
  const pruned = await fleet.cli(reconcileArgs(fleet));
  assert.equal(pruned.code, 0, pruned.stdout + pruned.stderr);
  await assert.rejects(readFile(confPath), 'the rendered file was removed');
  const st = await fleet.cli(['status', '--output', 'json']);
  assert.deepEqual(
    JSON.parse(st.stdout).applications.map((a: { name: string }) => a.name),
    ['db'],
  );

  // 7. history lists the revisions applied to db.
  const history = await fleet.cli(['history', 'db']);
  assert.equal(history.code, 0);
  assert.match(history.stdout, new RegExp(rev1.slice(0, 12)));
});

test('an invalid revision changes nothing and exits 1 with the place named', async (t) => {
  const fleet = await createFleet();
  t.after(() => fleet.cleanup());
  const port = await freePort();
  await fleet.setApps([{ name: 'api', port }]);
  assert.equal((await fleet.cli(reconcileArgs(fleet))).code, 0);
  const pid = (await fleet.get(port)).body.pid;

  await fleet.repo.write({ 'apps/api.yaml': (await readFile(join(fleet.repo.dir, 'apps/api.yaml'), 'utf8')).replace('replicas: 1', 'replicas: two') });
  await fleet.repo.commit('break it');
  const bad = await fleet.cli(reconcileArgs(fleet));
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /apps\/api\.yaml:\d+:\d+: Application\/api: spec\.replicas/);
  assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
  assert.equal((await fleet.get(port)).body.pid, pid, 'the running app was not touched');

  const usage = await fleet.cli(['reconcile', '--repo', fleet.repo.dir]);
  assert.equal(usage.code, 2, 'reconcile without --once is a usage error');
  assert.match(usage.stderr, /--once/);
  const badTimeout = await fleet.cli([...reconcileArgs(fleet), '--timeout', 'soon']);
  assert.equal(badTimeout.code, 2);
});
