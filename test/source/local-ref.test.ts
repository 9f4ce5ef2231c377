// --ref on a local directory: the committed tree is read from the object store, never the work tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSource } from '../../src/source/index.js';
import { UserError } from '../../src/model/errors.js';
import { createBareClone, createGitRepo, gitEnv, type GitRepo } from '../helpers/git-repo.js';
import { spawn } from 'node:child_process';

interface Fixture {
  repo: GitRepo;
  cacheDir: string;
  v1: string;
  v2: string;
}

async function fixture(t: { after(fn: () => Promise<void>): void }): Promise<Fixture> {
  const repo = await createGitRepo({
    'config/manifests/env.yaml': 'name: dev\n',
    'config/manifests/apps/web.yaml': 'image: web:1\n',
    'config/other.txt': 'x\n',
  });
  const cacheDir = await mkdtemp(join(tmpdir(), 'boreas-cache-'));
  t.after(async () => {
    await repo.cleanup();
    await rm(cacheDir, { recursive: true, force: true });
  });
  const v1 = await repo.revParse('HEAD');
  await repo.tag('v1');
  await repo.tag('v1-annotated', { message: 'release 1' });
  await repo.branch('stable');
  await repo.write({ 'config/manifests/apps/web.yaml': 'image: web:2\n', 'config/manifests/apps/db.yaml': 'image: db:1\n' });
  const v2 = await repo.commit('second: add db');
  // The work tree is dirty on top of v2: --ref must ignore it.
  await repo.write({ 'config/manifests/apps/web.yaml': 'image: web:DIRTY\n' });
  return { repo, cacheDir, v1, v2 };
}

test('--ref by branch, tag, annotated tag, full sha and short sha reads that commit', async (t) => {
  const { repo, cacheDir, v1, v2 } = await fixture(t);
  const cases: [string, string][] = [
    ['stable', v1],
    ['v1', v1],
    ['v1-annotated', v1],
    [v1, v1],
    [v1.slice(0, 7), v1],
    ['main', v2],
    ['HEAD', v2],
  ];
  for (const [ref, sha] of cases) {
    const source = await openSource({ repo: repo.dir, ref, path: 'config/manifests', cacheDir });
    const rev = await source.resolve();
    assert.equal(rev.sha, sha, ref);
    assert.equal(rev.ref, ref);
    assert.equal(rev.treeHash, await repo.revParse(`${sha}:config/manifests`), ref);
    const web = (await source.readFile('apps/web.yaml')).toString();
    assert.equal(web, sha === v1 ? 'image: web:1\n' : 'image: web:2\n', ref);
  }
  const atV2 = await openSource({ repo: repo.dir, ref: 'main', path: 'config/manifests', cacheDir });
  assert.equal((await atV2.resolve()).subject, 'second: add db');
  const listed = await atV2.listFiles();
  assert.deepEqual(
    listed.map((f) => f.path),
    ['apps/db.yaml', 'apps/web.yaml', 'env.yaml'],
  );
  for (const f of listed) assert.equal(f.blobSha, await repo.revParse(`main:config/manifests/${f.path}`));
  // The work tree was not touched.
  assert.equal(await readFile(join(repo.dir, 'config/manifests/apps/web.yaml'), 'utf8'), 'image: web:DIRTY\n');
  assert.equal(await repo.git('status', '--porcelain'), 'M config/manifests/apps/web.yaml');
});

test('--repo may be a directory inside the repository; --path is relative to it', async (t) => {
  const { repo, cacheDir, v1 } = await fixture(t);
  const source = await openSource({ repo: join(repo.dir, 'config'), ref: 'v1', path: 'manifests', cacheDir });
  const rev = await source.resolve();
  assert.equal(rev.sha, v1);
  assert.equal(rev.treeHash, await repo.revParse('v1:config/manifests'));
  assert.equal(source.rootDir, join(repo.dir, 'config'));
  assert.deepEqual(
    (await source.listFiles()).map((f) => f.path),
    ['apps/web.yaml', 'env.yaml'],
  );
  const whole = await openSource({ repo: join(repo.dir, 'config'), ref: 'v1', cacheDir });
  assert.deepEqual(
    (await whole.listFiles()).map((f) => f.path),
    ['manifests/apps/web.yaml', 'manifests/env.yaml', 'other.txt'],
  );
});

test('unknown ref, missing path, non-repository: UserError exit 2 with a clear message', async (t) => {
  const { repo, cacheDir } = await fixture(t);
  await assert.rejects(openSource({ repo: repo.dir, ref: 'nope', cacheDir }), (err: unknown) => {
    assert.ok(err instanceof UserError);
    assert.equal(err.exitCode, 2);
    assert.equal(err.message, `ref not found: "nope" in ${repo.dir}; available branches: main, stable; tags: v1, v1-annotated`);
    return true;
  });
  await assert.rejects(openSource({ repo: repo.dir, ref: 'v1', path: 'config/absent', cacheDir }), (err: unknown) => {
    assert.ok(err instanceof UserError);
    assert.match(err.message, /^path not found: "config\/absent" is not a directory in .* at [0-9a-f]{12}$/);
    return true;
  });
  await assert.rejects(openSource({ repo: repo.dir, ref: 'v1', path: 'config/other.txt', cacheDir }), /path not found/);
  await assert.rejects(openSource({ repo: cacheDir, ref: 'main', cacheDir }), (err: unknown) => {
    assert.ok(err instanceof UserError);
    assert.equal(err.exitCode, 2);
    assert.match(err.message, /^not a git repository: /);
    return true;
  });
  const source = await openSource({ repo: repo.dir, ref: 'v1', cacheDir });
  await assert.rejects(source.readFile('config/manifests/apps/db.yaml'), /file not found: "config\/manifests\/apps\/db.yaml"/);
});

test('a linked worktree (git worktree add) resolves its own HEAD and reads shared objects', async (t) => {
  const { repo, cacheDir, v1 } = await fixture(t);
  const linked = join(cacheDir, 'linked');
  await repo.git('worktree', 'add', '--quiet', linked, 'stable');
  const clean = await (await openSource({ repo: linked, path: 'config/manifests', cacheDir: join(cacheDir, 'c') })).resolve();
  assert.equal(clean.sha, v1, 'a clean linked worktree is its own HEAD (stable = v1), not the main worktree HEAD');
  assert.equal((await (await openSource({ repo: linked, ref: 'HEAD', cacheDir })).resolve()).sha, v1);
  assert.equal((await (await openSource({ repo: linked, ref: 'v1', cacheDir })).resolve()).sha, v1);
});

test('a tree with a ".." entry (hostile history) is refused, not followed', async (t) => {
  const { repo, cacheDir } = await fixture(t);
  const blob = await repo.git('hash-object', '-w', 'config/other.txt');
  // `git mktree` does not fsck, so it can build what a hostile server could send.
  const tree = await runGitInput(repo.dir, ['mktree'], `100644 blob ${blob}\t..\n`);
  const commit = await repo.git('commit-tree', tree, '-m', 'evil');
  await repo.tag('evil', { at: commit });
  await assert.rejects(
    openSource({ repo: repo.dir, ref: 'evil', cacheDir }).then((s) => s.listFiles()),
    (err: unknown) => {
      assert.ok(err instanceof UserError);
      assert.match(err.message, /^unsafe path in git object [0-9a-f]{12} \(.*"\.\.".*\): refusing to read this revision$/);
      return true;
    },
  );
});

function runGitInput(cwd: string, args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, env: gitEnv });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`git ${args.join(' ')} exited ${code}`))));
    child.stdin.end(input);
  });
}

test('a bare repository is read with --ref; without one it is a clear error', async (t) => {
  const { repo, cacheDir, v1 } = await fixture(t);
  const bare = await createBareClone(repo);
  t.after(() => bare.cleanup());
  const source = await openSource({ repo: bare.path, ref: 'v1', path: 'config/manifests', cacheDir });
  assert.equal((await source.resolve()).sha, v1);
  assert.deepEqual(
    (await source.listFiles()).map((f) => f.path),
    ['apps/web.yaml', 'env.yaml'],
  );
  await assert.rejects(openSource({ repo: bare.path, cacheDir }), (err: unknown) => {
    assert.ok(err instanceof UserError);
    assert.equal(err.message, `${bare.path} is a bare git repository: give --ref to read a revision from it`);
    return true;
  });
});
