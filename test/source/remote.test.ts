// http(s) sources against a real smart-HTTP server (git http-backend): clone, fetch into the
// existing clone, refs by tag and sha, and user errors — with both transports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSource } from '../../src/source/index.js';
import { remoteClonePath } from '../../src/source/remote-source.js';
import { compactCacheRepo } from '../../src/source/transport-git-cli.js';
import { hasGitCli, type TransportName } from '../../src/source/transport.js';
import { UserError } from '../../src/model/errors.js';
import { createBareClone, createGitRepo, runGit } from '../helpers/git-repo.js';
import { startGitHttpServer } from '../helpers/git-http-server.js';

type T = { after(fn: () => Promise<void>): void };

/** A repo with v1 (tagged) and v2 on main, served over HTTP; `push()` publishes new commits. */
async function servedRepo(t: T) {
  const work = await createGitRepo({ 'manifests/env.yaml': 'name: dev\n', 'manifests/app.yaml': 'image: app:1\n', 'tools/run.sh': '#!/bin/sh\n' });
  await chmod(join(work.dir, 'tools/run.sh'), 0o755);
  const v1 = await work.commit('v1 with exec bit');
  await work.tag('v1', { message: 'release v1' });
  await work.write({ 'manifests/app.yaml': 'image: app:2\n' });
  const v2 = await work.commit('v2: app 2');
  await work.branch('release', v1);
  const bare = await createBareClone(work);
  const server = await startGitHttpServer(bare.root);
  const cacheDir = await mkdtemp(join(tmpdir(), 'boreas-cache-'));
  t.after(async () => {
    await server.close();
    await Promise.all([work.cleanup(), bare.cleanup(), rm(cacheDir, { recursive: true, force: true })]);
  });
  const push = async () => runGit(work.dir, ['push', '--quiet', bare.path, 'main', '--tags']);
  return { work, v1, v2, server, url: `${server.url}/repo.git`, cacheDir, push };
}

const transports: TransportName[] = ['isomorphic-git', 'git-cli'];

for (const transport of transports) {
  const skip = transport === 'git-cli' && !hasGitCli() ? 'git CLI not installed' : false;

  test(`[${transport}] clones, then fetches a new commit into the same clone`, { skip }, async (t) => {
    const { work, v2, url, cacheDir, push, server } = await servedRepo(t);
    const source = await openSource({ repo: url, path: 'manifests', cacheDir, transport });
    const rev = await source.resolve();
    assert.equal(rev.sha, v2);
    assert.equal(rev.subject, 'v2: app 2');
    assert.equal(rev.treeHash, await work.revParse(`${v2}:manifests`));
    assert.deepEqual(await source.listFiles(), [
      { path: 'app.yaml', blobSha: await work.revParse(`${v2}:manifests/app.yaml`) },
      { path: 'env.yaml', blobSha: await work.revParse(`${v2}:manifests/env.yaml`) },
    ]);
    assert.equal((await source.readFile('app.yaml')).toString(), 'image: app:2\n');
    // rootDir holds the whole revision, exec bits included, for commands that need real paths.
    assert.equal(await readFile(join(source.rootDir, 'manifests/app.yaml'), 'utf8'), 'image: app:2\n');
    assert.equal((await stat(join(source.rootDir, 'tools/run.sh'))).mode & 0o111, 0o111);

    const clone = remoteClonePath(cacheDir, url);
    await writeFile(join(clone, 'boreas-test-marker'), 'still the same clone');
    const requestsBefore = server.requests.length;

    await work.write({ 'manifests/app.yaml': 'image: app:3\n' });
    const v3 = await work.commit('v3: app 3');
    await push();
    const next = await openSource({ repo: url, path: 'manifests', cacheDir, transport });
    assert.equal((await next.resolve()).sha, v3);
    assert.equal((await next.readFile('app.yaml')).toString(), 'image: app:3\n');
    assert.equal(await readFile(join(clone, 'boreas-test-marker'), 'utf8'), 'still the same clone', 'fetched into the existing clone');
    assert.ok(server.requests.slice(requestsBefore).some((r) => r.url.endsWith('/git-upload-pack') && r.status === 200));
    // The earlier revision's checkout is still there (immutable per commit).
    assert.equal(await readFile(join(source.rootDir, 'manifests/app.yaml'), 'utf8'), 'image: app:2\n');
    assert.deepEqual((await readdir(join(next.rootDir, '..'))).sort(), [v2, v3].sort());
    // The new checkout shares unchanged files with the previous one (hard links) and has its own copy of changed ones.
    const ino = async (root: string, p: string) => (await stat(join(root, p))).ino;
    assert.equal(await ino(next.rootDir, 'manifests/env.yaml'), await ino(source.rootDir, 'manifests/env.yaml'));
    assert.notEqual(await ino(next.rootDir, 'manifests/app.yaml'), await ino(source.rootDir, 'manifests/app.yaml'));
    assert.equal((await stat(join(next.rootDir, 'tools/run.sh'))).mode & 0o111, 0o111);
  });

  test(`[${transport}] --ref by tag, branch, full and short sha`, { skip }, async (t) => {
    const { v1, v2, url, cacheDir } = await servedRepo(t);
    for (const [ref, sha] of [
      ['v1', v1],
      ['release', v1],
      [v1, v1],
      [v1.slice(0, 8), v1],
      ['main', v2],
    ] as const) {
      const source = await openSource({ repo: url, ref, path: 'manifests', cacheDir, transport });
      const rev = await source.resolve();
      assert.equal(rev.sha, sha, ref);
      assert.equal(rev.ref, ref);
      assert.equal((await source.readFile('app.yaml')).toString(), sha === v1 ? 'image: app:1\n' : 'image: app:2\n', ref);
    }
  });

  test(`[${transport}] missing ref, missing path, missing repo, unreachable server: UserError exit 2`, { skip }, async (t) => {
    const { url, cacheDir, server } = await servedRepo(t);
    const expectUserError = (message: RegExp) => (err: unknown) => {
      assert.ok(err instanceof UserError, String(err));
      assert.equal(err.exitCode, 2);
      assert.match(err.message, message);
      return true;
    };
    await assert.rejects(
      openSource({ repo: url, ref: 'v9', cacheDir, transport }),
      expectUserError(new RegExp(`^ref not found: "v9" in ${url}; available branches: main, release; tags: v1$`)),
    );
    await assert.rejects(openSource({ repo: url, path: 'nope', cacheDir, transport }), expectUserError(/^path not found: "nope" is not a directory in /));
    await assert.rejects(
      openSource({ repo: `${server.url}/missing.git`, cacheDir, transport }),
      expectUserError(/^repository not found: http:\/\/127\.0\.0\.1:\d+\/missing\.git \(HTTP 404\)$/),
    );
    assert.equal(await stat(remoteClonePath(cacheDir, `${server.url}/missing.git`)).catch(() => 'gone'), 'gone', 'a failed clone leaves no cache behind');
    const deadUrl = `http://127.0.0.1:${await closedPort()}/repo.git`;
    await assert.rejects(
      openSource({ repo: deadUrl, cacheDir, transport }),
      expectUserError(/^cannot reach repository http:\/\/127\.0\.0\.1:\d+\/repo\.git: /),
    );
  });
}

test('credentials in the URL never appear in messages or cache paths', async (t) => {
  const { server, cacheDir } = await servedRepo(t);
  const url = `${server.url.replace('//', '//user:s3cret@')}/missing.git`;
  for (const transport of transports.filter((x) => x === 'isomorphic-git' || hasGitCli())) {
    await assert.rejects(openSource({ repo: url, cacheDir, transport }), (err: unknown) => {
      assert.ok(err instanceof UserError);
      assert.doesNotMatch(err.message, /s3cret/);
      return true;
    });
  }
});

test('a clone made by one transport is fetched into by the other', { skip: !hasGitCli() && 'git CLI not installed' }, async (t) => {
  const { work, url, cacheDir, push } = await servedRepo(t);
  await openSource({ repo: url, cacheDir, transport: 'git-cli' });
  await work.write({ 'manifests/new.yaml': 'x: 1\n' });
  const v3 = await work.commit('v3');
  await push();
  const source = await openSource({ repo: url, cacheDir, transport: 'isomorphic-git' });
  assert.equal((await source.resolve()).sha, v3);
  assert.equal((await source.readFile('manifests/new.yaml')).toString(), 'x: 1\n');
});

/** A port nothing listens on: bind one, note it, close it. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

test('packs piling up from fetches are compacted by git gc --auto', { skip: !hasGitCli() && 'git CLI not installed' }, async (t) => {
  const { work, url, cacheDir, push } = await servedRepo(t);
  const clone = remoteClonePath(cacheDir, url);
  const packs = async () => (await readdir(join(clone, 'objects/pack'))).filter((f) => f.endsWith('.pack')).length;
  await openSource({ repo: url, cacheDir, transport: 'isomorphic-git' });
  for (let i = 0; i < 2; i++) {
    await work.write({ [`manifests/n${i}.yaml`]: `n: ${i}\n` });
    await work.commit(`n${i}`);
    await push();
    await openSource({ repo: url, cacheDir, transport: 'isomorphic-git' });
  }
  assert.equal(await packs(), 3, 'isomorphic-git writes one pack per fetch; 3 is under the default limit');
  await compactCacheRepo(clone, { packLimit: 2 });
  assert.equal(await packs(), 1);
  const after = await openSource({ repo: url, cacheDir, transport: 'isomorphic-git' });
  assert.equal((await after.readFile('manifests/n1.yaml')).toString(), 'n: 1\n', 'the compacted store still reads');
  // ... and still takes isomorphic-git fetches, annotated tag v1 included.
  await work.write({ 'manifests/n9.yaml': 'n: 9\n' });
  const v9 = await work.commit('n9');
  await push();
  assert.equal((await (await openSource({ repo: url, cacheDir, transport: 'isomorphic-git' })).resolve()).sha, v9);
  assert.equal((await (await openSource({ repo: url, ref: 'v1', cacheDir, transport: 'isomorphic-git' })).resolve()).sha, await work.revParse('v1^{commit}'));
});

test('isomorphic-git still fetches after someone packed the cache refs by hand (git gc)', { skip: !hasGitCli() && 'git CLI not installed' }, async (t) => {
  const { work, url, cacheDir, push } = await servedRepo(t);
  await openSource({ repo: url, cacheDir, transport: 'isomorphic-git' });
  await runGit(remoteClonePath(cacheDir, url), ['pack-refs', '--all']);
  await work.write({ 'manifests/late.yaml': 'late: 1\n' });
  const late = await work.commit('late');
  await push();
  const source = await openSource({ repo: url, cacheDir, transport: 'isomorphic-git' });
  assert.equal((await source.resolve()).sha, late);
  assert.equal((await (await openSource({ repo: url, ref: 'v1', cacheDir, transport: 'isomorphic-git' })).resolve()).sha, await work.revParse('v1^{commit}'));
});
