// `boreas plan` through the real CLI: text/json/markdown, --detailed-exitcode, and --base comparing
// two revisions with no access to any target.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFleet, freePort } from '../helpers/local-fleet.js';

test('plan shows creates with reasons in every format and changes nothing', async (t) => {
  const fleet = await createFleet();
  t.after(() => fleet.cleanup());
  const port = await freePort();
  await fleet.setApps([{ name: 'api', port, replicas: 2, env: { DB_PASSWORD: 'hunter2-literal' } }]);
  const args = ['plan', '--repo', fleet.repo.dir];

  const text = await fleet.cli([...args, '--detailed-exitcode']);
  assert.equal(text.code, 2, text.stderr);
  assert.match(text.stdout, /\+ Instance api-0/);
  assert.match(text.stdout, /\+ Instance api-1/);
  assert.match(text.stdout, /Plan: 2 to create, 0 to change, 0 to delete\./);
  assert.doesNotMatch(text.stdout, /hunter2/, 'secret-looking env values are masked');

  const json = JSON.parse((await fleet.cli([...args, '--output', 'json'])).stdout);
  assert.equal(json.summary.create, 2);
  assert.deepEqual(
    json.changes.map((c: { id: string }) => c.id),
    ['local/Instance/api-0', 'local/Instance/api-1'],
  );
  assert.equal(json.changes[0].reason, 'NotFound');

  const md = await fleet.cli([...args, '--output', 'markdown']);
  assert.equal(md.code, 0, 'without --detailed-exitcode changes still exit 0');
  assert.match(md.stdout, /^<!-- boreas-plan -->/);
  assert.match(md.stdout, /<details>/);

  await assert.rejects(fleet.get(port), 'plan started nothing');
  const status = await fleet.cli(['status', '--output', 'json']);
  assert.deepEqual(JSON.parse(status.stdout), { applications: [] }, 'plan applied nothing');
});

test('plan --base compares two revisions without touching targets', async (t) => {
  const fleet = await createFleet();
  t.after(() => fleet.cleanup());
  const port = await freePort();
  const base = await fleet.setApps([
    { name: 'api', port, version: 'v1' },
    { name: 'old', port: port + 10 },
  ]);
  const head = await fleet.setApps(
    [
      { name: 'api', port, version: 'v2', replicas: 2 },
      { name: 'new', port: port + 20 },
    ],
    'bump',
  );

  const res = await fleet.cli(['plan', '--repo', fleet.repo.dir, '--base', base, '--ref', head, '--output', 'json', '--detailed-exitcode']);
  assert.equal(res.code, 2, res.stderr);
  const plan = JSON.parse(res.stdout);
  const actions = Object.fromEntries(plan.changes.map((c: { id: string; action: string }) => [c.id, c.action]));
  assert.deepEqual(actions, {
    'local/Instance/api-0': 'update',
    'local/Instance/api-1': 'create',
    'local/Instance/new-0': 'create',
    'local/Instance/old-0': 'delete',
  });
  const update = plan.changes.find((c: { id: string }) => c.id === 'local/Instance/api-0');
  assert.ok(update.fields.some((f: { path: string; before: string; after: string }) => f.path === 'version' && f.before === 'v1' && f.after === 'v2'));

  const md = await fleet.cli(['plan', '--repo', fleet.repo.dir, '--base', base, '--ref', head, '--output', 'markdown']);
  assert.match(md.stdout, new RegExp(base.slice(0, 7)));
  assert.match(md.stdout, /2 to create/);

  const same = await fleet.cli(['plan', '--repo', fleet.repo.dir, '--base', head, '--ref', head, '--detailed-exitcode']);
  assert.equal(same.code, 0);
  assert.match(same.stdout, /No changes/);

  const missing = await fleet.cli(['plan', '--repo', fleet.repo.dir, '--base', 'no-such-branch']);
  assert.equal(missing.code, 1, 'plan reports errors with exit 1');
  assert.match(missing.stderr, /no-such-branch/);
});
