// `boreas plan --comment` through the real CLI against the FAKE forge (test/fakes/forge): one plan
// comment per PR, created once, left alone when the plan is the same, edited in place when it changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { createGitRepo } from '../helpers/git-repo.js';
import { appYaml, environmentYaml } from '../helpers/local-fleet.js';
import { startFakeForge } from '../fakes/forge/fake-forge.js';

const TOKEN = 'ghp_fake-secret-value-123';

async function setup(t: { after(fn: () => Promise<void>): void }) {
  const forge = await startFakeForge({ [TOKEN]: 'boreas-bot' });
  const repo = await createGitRepo();
  const stateDir = await mkdtemp(join(tmpdir(), 'boreas-forge-'));
  t.after(async () => {
    await forge.close();
    await repo.cleanup();
    await rm(stateDir, { recursive: true, force: true });
  });
  const commitApp = (version: string) =>
    repo
      .write({ 'environment.yaml': environmentYaml(), 'apps/api.yaml': appYaml({ name: 'api', port: 18_080, version }, join(stateDir, 'starts.log')) })
      .then(() => repo.commit(`api ${version}`));
  const plan = (base: string, head: string, extra: string[] = [], env: NodeJS.ProcessEnv = { GITHUB_TOKEN: TOKEN }) =>
    runCli(
      [
        'plan',
        '--repo',
        repo.dir,
        '--state',
        join(stateDir, 'state.db'),
        '--base',
        base,
        '--ref',
        head,
        '--comment',
        'github',
        '--forge-url',
        forge.url,
        '--forge-repo',
        'acme/fleet',
        '--pr',
        '7',
        ...extra,
      ],
      { env },
    );
  return { forge, repo, commitApp, plan, stateFile: join(stateDir, 'state.db') };
}

test('plan --comment creates one comment, skips the write when unchanged, updates it in place when the plan changes', async (t) => {
  const { forge, repo, commitApp, plan } = await setup(t);
  await repo.write({ 'README.md': 'fleet\n' });
  const base = await repo.commit('empty');
  const v1 = await commitApp('v1');
  forge.seed('github', 'acme/fleet', 7, 'Looks good to me', 'reviewer');

  const first = await plan(base, v1);
  assert.equal(first.code, 0, first.stderr);
  const comments = forge.comments('github', 'acme/fleet', 7).map((c) => ({ ...c }));
  assert.equal(comments.length, 2);
  const mine = comments[1];
  assert.equal(mine.author, 'boreas-bot');
  assert.match(mine.body, /^<!-- boreas-plan sha256:[0-9a-f]{64} -->\n/);
  assert.match(mine.body, /Plan: 1 to create/);
  assert.match(mine.body, new RegExp(v1.slice(0, 7)));
  assert.equal(first.stdout.trim(), `created https://github.com/acme/fleet/pull/7#issuecomment-${mine.id}`);
  assert.ok(!first.stdout.includes(TOKEN) && !first.stderr.includes(TOKEN));
  assert.equal(forge.writes().length, 1);
  assert.ok(
    forge.requests.every((r) => r.user === 'boreas-bot'),
    'every request authenticated with the token from GITHUB_TOKEN',
  );

  const again = await plan(base, v1);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /^unchanged /);
  assert.equal(forge.writes().length, 1, 'same plan: no POST/PATCH');

  const v2 = await commitApp('v2');
  const changed = await plan(base, v2);
  assert.equal(changed.code, 0, changed.stderr);
  assert.equal(changed.stdout.trim(), `updated https://github.com/acme/fleet/pull/7#issuecomment-${mine.id}`);
  const after = forge.comments('github', 'acme/fleet', 7);
  assert.equal(after.length, 2, 'still one Boreas comment');
  assert.deepEqual(after[0], comments[0], "the reviewer's comment is untouched");
  assert.equal(after[1].id, mine.id);
  assert.match(after[1].body, new RegExp(v2.slice(0, 7)));
  assert.notEqual(after[1].body, mine.body);
  assert.deepEqual(
    forge.writes().map((w) => w.method + ' ' + w.path),
    ['POST /repos/acme/fleet/issues/7/comments', `PATCH /repos/acme/fleet/issues/comments/${mine.id}`],
  );
});

test('an invalid head revision is still posted as the plan comment, and plan exits 1', async (t) => {
  const { forge, repo, commitApp, plan } = await setup(t);
  const base = await commitApp('v1');
  await repo.write({ 'apps/api.yaml': 'apiVersion: boreas.dev/v1\nkind: Application\nmetadata: {name: api}\nspec: {environment: dev, replicas: lots}\n' });
  const bad = await repo.commit('broken');
  const res = await plan(base, bad);
  assert.equal(res.code, 1, res.stderr);
  assert.match(res.stdout, /^created /);
  const [c] = forge.comments('github', 'acme/fleet', 7);
  assert.match(c.body, /head revision is invalid/);
  assert.match(c.body, /Not planned:/);
});

test('missing token: clear error naming the variable, exit 1, nothing sent', async (t) => {
  const { forge, commitApp, plan } = await setup(t);
  const v1 = await commitApp('v1');
  const res = await plan(v1, v1, ['--forge-token-env', 'BOREAS_TEST_NO_SUCH_TOKEN'], { GITHUB_TOKEN: TOKEN });
  assert.equal(res.code, 1);
  assert.match(res.stderr, /BOREAS_TEST_NO_SUCH_TOKEN is not set/);
  assert.doesNotMatch(res.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(forge.requests.length, 0);
});

test("wrong token: the forge's 401 and message are surfaced, the token is not", async (t) => {
  const { forge, commitApp, plan } = await setup(t);
  const v1 = await commitApp('v1');
  const res = await plan(v1, v1, [], { GITHUB_TOKEN: 'ghp_wrong-secret-456' });
  assert.equal(res.code, 1);
  assert.match(res.stderr, /github: GET http:\/\/127\.0\.0\.1:\d+\/repos\/acme\/fleet\/issues\/7\/comments returned 401: Bad credentials/);
  assert.ok(!res.stderr.includes('ghp_wrong-secret-456') && !res.stdout.includes('ghp_wrong-secret-456'));
  assert.equal(forge.requests.length, 1);
  assert.equal(forge.writes().length, 0);
});

test('plan --comment gitlab and gitea: default token variables, one comment each, rerun writes nothing', async (t) => {
  const { forge, repo, commitApp, stateFile } = await setup(t);
  const v1 = await commitApp('v1');
  const run = (forgeKind: string, apiUrl: string, project: string, env: NodeJS.ProcessEnv) =>
    runCli(
      [
        'plan',
        '--repo',
        repo.dir,
        '--state',
        stateFile,
        '--base',
        v1,
        '--ref',
        v1,
        '--comment',
        forgeKind,
        '--forge-url',
        apiUrl,
        '--forge-repo',
        project,
        '--pr',
        '12',
      ],
      { env: { GITHUB_TOKEN: '', ...env } },
    );

  const gl = await run('gitlab', `${forge.url}/api/v4`, '42', { GITLAB_TOKEN: TOKEN });
  assert.equal(gl.code, 0, gl.stderr);
  const [note] = forge.comments('gitlab', '42', 12);
  assert.equal(gl.stdout.trim(), `created ${forge.url}/api/v4/projects/42/merge_requests/12/notes/${note.id}`);
  assert.match(note.body, /No changes/);
  assert.match((await run('gitlab', `${forge.url}/api/v4`, '42', { GITLAB_TOKEN: TOKEN })).stdout, /^unchanged /);

  const gt = await run('gitea', `${forge.url}/api/v1`, 'acme/fleet', { GITEA_TOKEN: TOKEN });
  assert.equal(gt.code, 0, gt.stderr);
  assert.match((await run('gitea', `${forge.url}/api/v1`, 'acme/fleet', { GITEA_TOKEN: TOKEN })).stdout, /^unchanged /);
  assert.equal(forge.comments('gitea', 'acme/fleet', 12).length, 1);
  assert.deepEqual(
    forge.writes().map((w) => `${w.forge} ${w.method}`),
    ['gitlab POST', 'gitea POST'],
  );
});
