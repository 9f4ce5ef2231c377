// `boreas history` and `boreas rollback` through the real CLI: roll an application back to the
// desired state of an earlier revision, held there until Git moves on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFleet, freePort, reconcileArgs } from '../helpers/local-fleet.js';

test('rollback returns an app to its previous revision and holds it until the next commit', async (t) => {
  const fleet = await createFleet();
  t.after(() => fleet.cleanup());
  const port = await freePort();
  const other = await freePort();
  const rev1 = await fleet.setApps([
    { name: 'api', port, version: 'v1' },
    { name: 'db', port: other },
  ]);
  assert.equal((await fleet.cli(reconcileArgs(fleet))).code, 0);
  const rev2 = await fleet.setApps(
    [
      { name: 'api', port, version: 'v2' },
      { name: 'db', port: other },
    ],
    'api v2',
  );
  assert.equal((await fleet.cli(reconcileArgs(fleet))).code, 0);
  assert.equal((await fleet.get(port)).body.version, 'v2');
  const dbPid = (await fleet.get(other)).body.pid;

  const history = await fleet.cli(['history', 'api', '--output', 'json']);
  assert.deepEqual(
    JSON.parse(history.stdout).map((r: { revision: { sha: string } }) => r.revision.sha),
    [rev2, rev1],
    'newest first',
  );

  const back = await fleet.cli(['rollback', 'api', '--repo', fleet.repo.dir]);
  assert.equal(back.code, 0, back.stdout + back.stderr);
  assert.match(back.stdout, new RegExp(`Rolled back api to ${rev1.slice(0, 12)}`));
  assert.equal((await fleet.get(port)).body.version, 'v1');
  assert.equal((await fleet.get(other)).body.pid, dbPid, 'other applications are untouched');
  // status names the revision each app runs: api is held at rev1 by the rollback, db follows Git.
  const status = JSON.parse((await fleet.cli(['status', '--output', 'json'])).stdout) as {
    applications: Array<{ name: string; revision: { sha: string; pinned: boolean } }>;
  };
  assert.deepEqual(
    status.applications.map((a) => [a.name, a.revision.sha, a.revision.pinned]),
    [
      ['api', rev1, true],
      ['db', rev2, false],
    ],
  );

  // Git still says v2 at the same commit: the rollback holds, and says so.
  const held = await fleet.cli(reconcileArgs(fleet));
  assert.equal(held.code, 0);
  assert.match(held.stdout, /held at revision/);
  assert.equal((await fleet.get(port)).body.version, 'v1');

  // A new commit lifts the hold: Git's version applies again.
  await fleet.setApps(
    [
      { name: 'api', port, version: 'v3' },
      { name: 'db', port: other },
    ],
    'api v3',
  );
  assert.equal((await fleet.cli(reconcileArgs(fleet))).code, 0);
  assert.equal((await fleet.get(port)).body.version, 'v3');

  const unknown = await fleet.cli(['rollback', 'api', '--repo', fleet.repo.dir, '--to', 'deadbeef']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /never applied/);
});
