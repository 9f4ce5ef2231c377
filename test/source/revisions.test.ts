// --ref/--base accept what `git rev-parse` accepts: every revision below is resolved by Boreas and by
// the real git CLI in the same temporary repository, and the two must name the same commit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSource } from '../../src/source/index.js';
import { UserError } from '../../src/model/errors.js';
import { parseRevision } from '../../src/source/revision-syntax.js';
import { createBareClone, createGitRepo, runGit } from '../helpers/git-repo.js';
import { startGitHttpServer } from '../helpers/git-http-server.js';

type T = { after(fn: () => Promise<void>): void };

/**
 * main: c1 - c2 - c3 - M (merge of topic: t1) - c5, tags v1 (light, c1), v2 (annotated, c2), v2-outer
 * (annotated tag of v2); a clone `work` with origin/main one commit behind its own main, tracking it.
 */
async function history(t: T) {
  const up = await createGitRepo({ 'm/a.yaml': 'a: 1\n' });
  const c1 = await up.revParse('HEAD');
  await up.tag('v1');
  await up.write({ 'm/a.yaml': 'a: 2\n' });
  await up.commit('c2');
  await up.tag('v2', { message: 'release 2' });
  await up.git('tag', '-a', 'v2-outer', '-m', 'tag of a tag', 'v2');
  await up.write({ 'm/a.yaml': 'a: 3\n' });
  await up.commit('c3');
  await up.git('checkout', '--quiet', '-b', 'topic', 'HEAD~1');
  await up.write({ 'm/t.yaml': 't: 1\n' });
  await up.commit('t1');
  await up.checkout('main');
  await up.git('merge', '--quiet', '--no-ff', '-m', 'merge topic', 'topic');
  await up.write({ 'm/a.yaml': 'a: 5\n' });
  await up.commit('c5');
  const bare = await createBareClone(up);
  const workRoot = await mkdtemp(join(tmpdir(), 'boreas-rev-'));
  const work = join(workRoot, 'work');
  await runGit(workRoot, ['clone', '--quiet', bare.path, work]);
  await runGit(work, ['commit', '--quiet', '--allow-empty', '-m', 'local only']);
  t.after(async () => {
    await Promise.all([up.cleanup(), bare.cleanup(), rm(workRoot, { recursive: true, force: true })]);
  });
  return { up, c1, bare, work, cacheDir: join(workRoot, 'cache') };
}

const gitRevParse = async (dir: string, rev: string) => runGit(dir, ['rev-parse', '--verify', `${await runGit(dir, ['rev-parse', '--verify', rev])}^{commit}`]);

test('every revision form resolves to the commit git rev-parse names', async (t) => {
  const { up, c1, work, cacheDir } = await history(t);
  const short = c1.slice(0, 7);
  const revisions = [
    'HEAD',
    '@',
    'HEAD~1',
    'HEAD^',
    'HEAD~',
    'HEAD^^',
    'HEAD~2',
    'HEAD~2^2',
    'HEAD~2^1',
    'HEAD^1~2',
    'HEAD~4',
    'main~3',
    'origin/main',
    'origin/main~1',
    'refs/remotes/origin/main',
    'origin',
    'origin/HEAD',
    'refs/heads/main',
    '@{u}',
    '@{upstream}',
    'main@{u}',
    'HEAD@{u}~1',
    'v1',
    'v2',
    'v2^{}',
    'v2^{commit}',
    'v2-outer',
    'v2-outer^{}',
    'v2~1',
    'v1^0',
    short,
    `${short}^{commit}`,
    c1,
    'HEAD@{1}',
    ':/c3',
    'HEAD^{/merge}',
  ];
  for (const rev of revisions) {
    const expected = await gitRevParse(work, rev);
    const source = await openSource({ repo: work, ref: rev, cacheDir });
    assert.equal((await source.resolve()).sha, expected, rev);
  }
  // The merge's second parent is the topic commit, not anything on main.
  const merge = await openSource({ repo: up.dir, ref: 'HEAD~1^2', cacheDir });
  assert.equal((await merge.resolve()).subject, 't1');
});

test('a linked worktree: HEAD~1 and @{u} are relative to its own HEAD', async (t) => {
  const { up, cacheDir } = await history(t);
  const linked = join(cacheDir, 'linked');
  await up.git('worktree', 'add', '--quiet', '-b', 'side', linked, 'v2');
  await up.git('branch', '--set-upstream-to=main', 'side');
  for (const rev of ['HEAD', 'HEAD~1', '@{u}', 'side@{upstream}~2']) {
    assert.equal((await (await openSource({ repo: linked, ref: rev, cacheDir })).resolve()).sha, await gitRevParse(linked, rev), rev);
  }
});

test('over http(s): branch names are the remote branches, HEAD~1, origin/main and tags^{} work', async (t) => {
  const { up, bare } = await history(t);
  const server = await startGitHttpServer(bare.root);
  const cacheDir = await mkdtemp(join(tmpdir(), 'boreas-rev-cache-'));
  t.after(async () => {
    await server.close();
    await rm(cacheDir, { recursive: true, force: true });
  });
  const url = `${server.url}/repo.git`;
  for (const rev of ['HEAD~1', 'main~2', 'origin/main', 'origin/main^', 'topic', 'v2-outer^{}', 'v2~1']) {
    const expected = await gitRevParse(up.dir, rev.replace(/^origin\//, ''));
    assert.equal((await (await openSource({ repo: url, ref: rev, cacheDir })).resolve()).sha, expected, rev);
  }
});

test('unknown or impossible revisions are UserErrors that say what and where', async (t) => {
  const { work, cacheDir } = await history(t);
  const fails = async (rev: string, message: RegExp) =>
    assert.rejects(openSource({ repo: work, ref: rev, cacheDir }), (err: unknown) => {
      assert.ok(err instanceof UserError, `${rev}: ${err}`);
      assert.equal(err.exitCode, 2);
      assert.match(err.message, message, rev);
      return true;
    });
  await fails('nope', /^ref not found: "nope" in .*; available branches: main; tags: v1, v2, v2-outer$/);
  await fails('nope~1', /^ref not found: "nope" \(in "nope~1"\) in /);
  await fails('HEAD~40', /^revision not found: "HEAD~40" in .*: history ends at [0-9a-f]{12} after 5 of 40 step\(s\) back$/);
  await fails('HEAD~2^3', /commit [0-9a-f]{12} has 2 parent\(s\), so \^3 does not exist/);
  await fails('v1^{tag}', /is not an annotated tag/);
  await fails('HEAD^{tree}', /names a tree, not a commit/);
  await fails('main..topic', /a range of commits, not one revision/);
  await fails('HEAD:m/a.yaml', /^ref "HEAD:m\/a.yaml" in .* names a blob, not a commit$/);
  await fails('HEAD@{99}', /git rev-parse cannot resolve it/);
  await fails('-n', /not a revision/);
  await runGit(work, ['checkout', '--quiet', '--detach']);
  await fails('@{u}', /HEAD is detached/);
  await runGit(work, ['checkout', '--quiet', '-b', 'lonely']);
  await fails('@{u}', /no upstream configured for branch "lonely"/);
});

test('the revision grammar', () => {
  assert.deepEqual(parseRevision('v1.0^{}~2^2'), {
    base: 'v1.0',
    upstream: false,
    steps: [
      { op: 'peel', to: '' },
      { op: 'ancestor', n: 2 },
      { op: 'parent', n: 2 },
    ],
  });
  assert.deepEqual(parseRevision('@'), { base: 'HEAD', upstream: false, steps: [] });
  assert.deepEqual(parseRevision('feature/x@{upstream}^'), { base: 'feature/x', upstream: true, steps: [{ op: 'parent', n: 1 }] });
  assert.equal((parseRevision('a...b') as { error: string }).error, 'range');
  assert.equal((parseRevision('HEAD^!') as { error: string }).error, 'range');
  assert.equal((parseRevision('HEAD@{2}') as { error: string }).error, 'other');
  assert.equal((parseRevision('^HEAD') as { error: string }).error, 'invalid');
});
