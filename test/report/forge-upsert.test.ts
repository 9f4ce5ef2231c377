// upsertPlanComment over real HTTP against the FAKE forge (test/fakes/forge): finding Boreas's comment
// across pages, GitLab notes and Gitea comments, and what is (not) treated as Boreas's comment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PLAN_COMMENT_MARKER } from '../../src/report/index.js';
import { upsertPlanComment, resolveForgeTarget, type ForgeTarget } from '../../src/report/forge/index.js';
import { UserError } from '../../src/model/errors.js';
import { startFakeForge, type FakeForge } from '../fakes/forge/fake-forge.js';

const TOKEN = 'fake-token-abc';
const report = (text: string) => `${PLAN_COMMENT_MARKER}\n### Boreas plan\n\n${text}\n`;

async function fake(t: { after(fn: () => Promise<void>): void }): Promise<FakeForge> {
  const forge = await startFakeForge({ [TOKEN]: 'boreas-bot' });
  t.after(() => forge.close());
  return forge;
}

test('GitHub: the plan comment on page 2 is found through the Link header and updated, not duplicated', async (t) => {
  const forge = await fake(t);
  for (let i = 0; i < 100; i++) forge.seed('github', 'acme/fleet', 3, `chatter ${i}`);
  const target: ForgeTarget = { kind: 'github', apiUrl: forge.url, repo: 'acme/fleet', pr: 3, token: TOKEN };
  const created = await upsertPlanComment(target, report('one'));
  assert.equal(created.action, 'created');
  forge.seed('github', 'acme/fleet', 3, `> ${PLAN_COMMENT_MARKER}\n> quoted by a reviewer`, 'reviewer');

  const updated = await upsertPlanComment(target, report('two'));
  assert.deepEqual([updated.action, updated.id], ['updated', created.id]);
  const gets = forge.requests.filter((r) => r.method === 'GET').map((r) => r.path);
  assert.deepEqual(gets.slice(-2), ['/repos/acme/fleet/issues/3/comments?per_page=100', '/repos/acme/fleet/issues/3/comments?per_page=100&page=2']);
  const all = forge.comments('github', 'acme/fleet', 3);
  assert.equal(all.length, 102);
  assert.match(all[100].body, /two/);
  assert.match(all[101].body, /quoted by a reviewer/, "the reviewer's quote is not taken for Boreas's comment");
  assert.equal((await upsertPlanComment(target, report('two'))).action, 'unchanged');
  assert.equal(forge.writes().length, 2);
});

test('GitLab: MR notes by project path, with PRIVATE-TOKEN, X-Next-Page pagination and PUT', async (t) => {
  const forge = await fake(t);
  for (let i = 0; i < 120; i++) forge.seed('gitlab', 'group/fleet', 9, `note ${i}`);
  const target = resolveForgeTarget({ comment: 'gitlab', forgeUrl: `${forge.url}/api/v4`, forgeRepo: 'group/fleet', pr: '9' }, { GITLAB_TOKEN: TOKEN });
  const created = await upsertPlanComment(target, report('one'));
  assert.equal(created.action, 'created');
  assert.equal(created.url, `${forge.url}/group/fleet/-/merge_requests/9#note_${created.id}`);
  assert.equal((await upsertPlanComment(target, report('one'))).action, 'unchanged');
  const updated = await upsertPlanComment(target, report('two'));
  assert.deepEqual([updated.action, updated.id], ['updated', created.id]);
  const notes = forge.comments('gitlab', 'group/fleet', 9);
  assert.equal(notes.filter((n) => n.author === 'boreas-bot').length, 1);
  assert.match(notes.at(-1)!.body, /^<!-- boreas-plan sha256:[0-9a-f]{64} -->\n### Boreas plan\n\ntwo\n$/);
  assert.deepEqual(
    forge.writes().map((w) => w.method + ' ' + w.path),
    ['POST /api/v4/projects/group%2Ffleet/merge_requests/9/notes', `PUT /api/v4/projects/group%2Ffleet/merge_requests/9/notes/${created.id}`],
  );
  assert.ok(forge.requests.every((r) => r.user === 'boreas-bot'));
});

test('Gitea: issue comments under /api/v1 (appended to a bare host URL), token auth, PATCH', async (t) => {
  const forge = await fake(t);
  forge.seed('gitea', 'acme/fleet', 4, 'first!');
  const target = resolveForgeTarget({ comment: 'gitea', forgeUrl: forge.url, forgeRepo: 'acme/fleet', pr: '4' }, { GITEA_TOKEN: TOKEN });
  const created = await upsertPlanComment(target, report('one'));
  assert.equal(created.url, `${forge.url}/acme/fleet/pulls/4#issuecomment-${created.id}`);
  assert.equal((await upsertPlanComment(target, report('one'))).action, 'unchanged');
  assert.equal((await upsertPlanComment(target, report('two'))).action, 'updated');
  assert.deepEqual(
    forge.comments('gitea', 'acme/fleet', 4).map((c) => c.author),
    ['someone-else', 'boreas-bot'],
  );
  assert.deepEqual(
    forge.writes().map((w) => w.method + ' ' + w.path),
    ['POST /api/v1/repos/acme/fleet/issues/4/comments', `PATCH /api/v1/repos/acme/fleet/issues/comments/${created.id}`],
  );
});

test('a plain-marker comment from an older Boreas is adopted; same content is not rewritten', async (t) => {
  const forge = await fake(t);
  const old = forge.seed('github', 'acme/fleet', 5, report('same'), 'boreas-bot');
  const res = await upsertPlanComment({ kind: 'github', apiUrl: forge.url, repo: 'acme/fleet', pr: 5, token: TOKEN }, report('same'));
  assert.deepEqual([res.action, res.id], ['unchanged', old.id]);
  assert.equal(forge.writes().length, 0);
});

test('a body over 65,536 characters is refused before any request', async (t) => {
  const forge = await fake(t);
  await assert.rejects(
    upsertPlanComment({ kind: 'github', apiUrl: forge.url, repo: 'acme/fleet', pr: 1, token: TOKEN }, report('x'.repeat(65_536))),
    (err: unknown) => err instanceof UserError && /over the forge limit of 65536/.test(err.message),
  );
  assert.equal(forge.requests.length, 0);
});

test('flags are checked and the token read from the named variable, never echoed', () => {
  assert.throws(() => resolveForgeTarget({ comment: 'bitbucket', forgeRepo: 'a/b', pr: '1' }, {}), /--comment must be one of github, gitea, gitlab/);
  assert.throws(() => resolveForgeTarget({ comment: 'gitea', forgeRepo: 'a/b', pr: '1' }, { GITEA_TOKEN: 'x' }), /needs --forge-url/);
  assert.throws(() => resolveForgeTarget({ comment: 'github', forgeRepo: 'a/b', pr: 'abc' }, { GITHUB_TOKEN: 'x' }), /--pr <number>/);
  assert.throws(
    () => resolveForgeTarget({ comment: 'github', forgeRepo: 'a/b', pr: '2', forgeTokenEnv: 'CI_BOT' }, { GITHUB_TOKEN: 'x' }),
    /CI_BOT is not set/,
  );
  const t = resolveForgeTarget({ comment: 'github', forgeRepo: 'a/b', pr: '2', forgeTokenEnv: 'CI_BOT' }, { CI_BOT: 'secret' });
  assert.deepEqual(t, { kind: 'github', apiUrl: 'https://api.github.com', repo: 'a/b', pr: 2, token: 'secret' });
});
