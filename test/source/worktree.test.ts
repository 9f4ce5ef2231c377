// The working-tree source: blob SHAs equal git's, clean vs dirty revisions, and the stat cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, utimes, writeFile, mkdir, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSource } from '../../src/source/index.js';
import { openWorktreeSource } from '../../src/source/worktree-source.js';
import { UserError } from '../../src/model/errors.js';
import { createGitRepo, runGit } from '../helpers/git-repo.js';

async function tempDir(t: { after(fn: () => Promise<void>): void }, prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const files = {
  'manifests/env.yaml': 'kind: Environment\nmetadata:\n  name: dev\n',
  'manifests/apps/web.yaml': 'kind: Application\nmetadata:\n  name: web\n',
  'manifests/apps/api.yml': 'kind: Application\nmetadata:\n  name: api\n',
  'README.md': '# config\n',
};

test('lists every file with the blob SHA git computes, skipping .git, node_modules and .boreas', async (t) => {
  const repo = await createGitRepo(files);
  t.after(() => repo.cleanup());
  await repo.write({ 'node_modules/x/index.js': 'x', '.boreas/state.json': '{}', 'bin.dat': Buffer.from([0, 1, 2, 255]) });
  const cacheDir = await tempDir(t, 'boreas-cache-');

  const source = await openSource({ repo: repo.dir, cacheDir });
  const listed = await source.listFiles();

  assert.deepEqual(
    listed.map((f) => f.path),
    ['README.md', 'bin.dat', 'manifests/apps/api.yml', 'manifests/apps/web.yaml', 'manifests/env.yaml'],
  );
  for (const f of listed) assert.equal(f.blobSha, await repo.hashObject(f.path), f.path);
  assert.equal(source.rootDir, repo.dir);
  assert.equal((await source.readFile('manifests/env.yaml')).toString(), files['manifests/env.yaml']);
});

test('a clean tree is HEAD; an edit, a new file or a deletion makes it worktree:<treeHash>', async (t) => {
  const repo = await createGitRepo(files);
  t.after(() => repo.cleanup());
  const cacheDir = await tempDir(t, 'boreas-cache-');
  const head = await repo.revParse('HEAD');
  const open = () => openSource({ repo: repo.dir, path: 'manifests', cacheDir });

  const clean = await (await open()).resolve();
  assert.equal(clean.sha, head);
  assert.equal(clean.subject, 'initial commit');
  assert.equal(clean.treeHash, await repo.revParse('HEAD:manifests'), 'treeHash is the git tree SHA of --path');

  // A change outside --path does not make the manifests dirty.
  await repo.write({ 'README.md': '# changed\n' });
  assert.equal((await (await open()).resolve()).sha, head);

  await repo.write({ 'manifests/env.yaml': 'kind: Environment\nmetadata:\n  name: prod\n' });
  const edited = await (await open()).resolve();
  assert.match(edited.sha, /^worktree:[0-9a-f]{40}$/);
  assert.equal(edited.sha, `worktree:${edited.treeHash}`);
  assert.equal(edited.subject, undefined);

  // Committing the edit gives exactly the tree SHA we predicted for the dirty tree.
  const second = await repo.commit('prod');
  const committed = await (await open()).resolve();
  assert.equal(committed.sha, second);
  assert.equal(committed.treeHash, edited.treeHash);

  await repo.write({ 'manifests/new.yaml': 'kind: Node\n' });
  assert.match((await (await open()).resolve()).sha, /^worktree:/);
  await repo.remove('manifests/new.yaml', 'manifests/apps/api.yml');
  assert.match((await (await open()).resolve()).sha, /^worktree:/);
});

test('a directory outside any git repository is a worktree revision', async (t) => {
  const dir = await tempDir(t, 'boreas-plain-');
  const cacheDir = await tempDir(t, 'boreas-cache-');
  await writeFile(join(dir, 'a.yaml'), 'a: 1\n');
  const rev = await (await openSource({ repo: dir, cacheDir })).resolve();
  assert.equal(rev.sha, `worktree:${rev.treeHash}`);
});

test('a warm scan reads only files whose stat changed, and still sees edits', async (t) => {
  const dir = await tempDir(t, 'boreas-warm-');
  const cacheDir = await tempDir(t, 'boreas-cache-');
  const names = ['a.yaml', 'b.yaml', 'sub/c.yaml'];
  await mkdir(join(dir, 'sub'));
  // Backdate mtimes out of the racy window so the cache may trust them.
  const old = new Date(Date.now() - 60_000);
  for (const n of names) {
    await writeFile(join(dir, n), `name: ${n}\n`);
    await utimes(join(dir, n), old, old);
  }
  const reads: string[] = [];
  const io = { readFile: async (p: string) => (reads.push(p), readFile(p)) };
  const list = async () => (await openWorktreeSource({ dir, cacheDir, io })).listFiles();

  const cold = await list();
  assert.equal(reads.length, 3, 'cold scan hashes every file');

  reads.length = 0;
  assert.deepEqual(await list(), cold);
  assert.equal(reads.length, 0, 'warm scan reads nothing when nothing changed');

  // Same size, same mtime as before: only the inode change time (ctime) betrays the edit.
  await writeFile(join(dir, 'b.yaml'), 'name: B.yaml\n');
  await utimes(join(dir, 'b.yaml'), old, old);
  reads.length = 0;
  const warm = await list();
  assert.deepEqual(
    reads.map((p) => p.slice(dir.length + 1)),
    ['b.yaml'],
  );
  const b = warm.find((f) => f.path === 'b.yaml');
  assert.notEqual(b?.blobSha, cold.find((f) => f.path === 'b.yaml')?.blobSha);
  assert.equal(b?.blobSha, await runGit(dir, ['hash-object', 'b.yaml']));
});

test('a file modified just now is re-hashed on the next run (racy-git protection)', async (t) => {
  const dir = await tempDir(t, 'boreas-racy-');
  const cacheDir = await tempDir(t, 'boreas-cache-');
  await writeFile(join(dir, 'fresh.yaml'), 'v: 1\n');
  let reads = 0;
  const io = { readFile: async (p: string) => (reads++, readFile(p)) };
  await (await openWorktreeSource({ dir, cacheDir, io })).listFiles();
  await (await openWorktreeSource({ dir, cacheDir, io })).listFiles();
  assert.equal(reads, 2, 'a file younger than the racy window is never trusted from the cache');
  assert.ok((await stat(join(dir, 'fresh.yaml'))).mtimeMs > Date.now() - 60_000);
});

test('symlinked files are followed, symlinked directories are skipped', async (t) => {
  const dir = await tempDir(t, 'boreas-links-');
  const cacheDir = await tempDir(t, 'boreas-cache-');
  await writeFile(join(dir, 'real.yaml'), 'r: 1\n');
  await symlink('real.yaml', join(dir, 'link.yaml'));
  await symlink('.', join(dir, 'loop'));
  await symlink('missing.yaml', join(dir, 'dangling.yaml'));
  const listed = await (await openSource({ repo: dir, cacheDir })).listFiles();
  assert.deepEqual(
    listed.map((f) => f.path),
    ['link.yaml', 'real.yaml'],
  );
  assert.equal(listed[0].blobSha, listed[1].blobSha);
});

test('a missing directory or --path is a UserError with exit code 2', async (t) => {
  const cacheDir = await tempDir(t, 'boreas-cache-');
  const missing = join(cacheDir, 'nope');
  await assert.rejects(openSource({ repo: missing, cacheDir }), (err: unknown) => {
    assert.ok(err instanceof UserError);
    assert.equal(err.exitCode, 2);
    assert.equal(err.message, `repository not found: ${missing}`);
    return true;
  });
  await assert.rejects(openSource({ repo: cacheDir, path: 'manifests', cacheDir }), /path not found: "manifests" is not a directory in /);
  await assert.rejects(openSource({ repo: cacheDir, path: '../etc', cacheDir }), /must not contain "\.\."/);
});

test('ssh, git and scp-style URLs are refused with a clear message, not treated as directories', async (t) => {
  const cacheDir = await tempDir(t, 'boreas-cache-');
  for (const repo of ['ssh://git@example.invalid/org/repo.git', 'git@example.invalid:org/repo.git', 'file:///srv/repo.git']) {
    await assert.rejects(openSource({ repo, cacheDir }), (err: unknown) => {
      assert.ok(err instanceof UserError);
      assert.equal(err.exitCode, 2);
      assert.match(err.message, /^unsupported repository URL: .* \(use an http\(s\) URL or a local directory\)$/);
      return true;
    });
  }
});
