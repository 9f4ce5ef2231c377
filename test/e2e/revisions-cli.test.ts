// Revisions the way git spells them, through the real CLI: `plan --base HEAD~1`, `--base origin/main`
// in a clone, `validate --ref v1^{}`, and the exit codes of an unknown revision (plan 1, others 2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFleet, freePort } from '../helpers/local-fleet.js';
import { runGit } from '../helpers/git-repo.js';

test('plan --base HEAD~1 / origin/main and validate --ref v1^{} read the revisions git names', async (t) => {
  const fleet = await createFleet();
  const clones = await mkdtemp(join(tmpdir(), 'boreas-rev-cli-'));
  t.after(async () => {
    await fleet.cleanup();
    await rm(clones, { recursive: true, force: true });
  });
  const port = await freePort();
  await fleet.setApps([{ name: 'api', port, version: 'v1' }], 'api v1');
  await fleet.repo.tag('v1', { message: 'release 1' });
  await fleet.setApps([{ name: 'api', port, version: 'v2', replicas: 2 }], 'api v2');

  const plan = await fleet.cli(['plan', '--repo', fleet.repo.dir, '--base', 'HEAD~1', '--output', 'json']);
  assert.equal(plan.code, 0, plan.stderr);
  const ids = JSON.parse(plan.stdout).changes.map((c: { id: string; action: string }) => `${c.action} ${c.id}`);
  assert.deepEqual(ids.sort(), ['create local/Instance/api-1', 'update local/Instance/api-0']);

  const validate = await fleet.cli(['validate', '--repo', fleet.repo.dir, '--ref', 'v1^{}', '--output', 'json']);
  assert.equal(validate.code, 0, validate.stderr);
  assert.equal(JSON.parse(validate.stdout).revision, await fleet.repo.revParse('v1^{commit}'));

  // A PR checkout: the branch is ahead of origin/main by one commit.
  const clone = join(clones, 'pr');
  await runGit(clones, ['clone', '--quiet', fleet.repo.dir, clone]);
  await runGit(clone, ['checkout', '--quiet', '-b', 'feature']);
  await runGit(clone, ['rm', '--quiet', 'apps/api.yaml']);
  await runGit(clone, ['-c', 'user.name=t', '-c', 'user.email=t@t.invalid', 'commit', '--quiet', '-m', 'drop api']);
  const pr = await fleet.cli(['plan', '--repo', clone, '--base', 'origin/main', '--output', 'json']);
  assert.equal(pr.code, 0, pr.stderr);
  const deleted = JSON.parse(pr.stdout).changes.map((c: { id: string; action: string }) => `${c.action} ${c.id}`);
  assert.deepEqual(deleted.sort(), ['delete local/Instance/api-0', 'delete local/Instance/api-1']);
});

test('an unknown revision: one clear line, exit 1 for plan and 2 for validate, no stack trace', async (t) => {
  const fleet = await createFleet();
  t.after(() => fleet.cleanup());
  await fleet.setApps([{ name: 'api', port: await freePort() }]);
  const plan = await fleet.cli(['plan', '--repo', fleet.repo.dir, '--base', 'HEAD~3']);
  assert.equal(plan.code, 1);
  assert.match(plan.stderr, /^boreas: revision not found: "HEAD~3" in .*: history ends at [0-9a-f]{12} after 0 of 3 step\(s\) back\n$/);
  const validate = await fleet.cli(['validate', '--repo', fleet.repo.dir, '--ref', 'relase']);
  assert.equal(validate.code, 2);
  assert.match(validate.stderr, /^boreas: ref not found: "relase" in .*; available branches: main; tags: \(none\)\n$/);
});
