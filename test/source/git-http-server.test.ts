// The smart-HTTP test server itself: pushes, gzip-encoded requests, basic auth. Other areas reuse
// it, so its behaviour is pinned here; auth also proves credentials in a URL reach the remote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSource } from '../../src/source/index.js';
import { hasGitCli, type TransportName } from '../../src/source/transport.js';
import { UserError } from '../../src/model/errors.js';
import { createBareClone, createGitRepo, runGit } from '../helpers/git-repo.js';
import { startGitHttpServer, type GitHttpServerOptions } from '../helpers/git-http-server.js';

async function served(t: { after(fn: () => Promise<void>): void }, opts: GitHttpServerOptions = {}) {
  const work = await createGitRepo({ 'a.yaml': 'a: 1\n' });
  const bare = await createBareClone(work);
  const server = await startGitHttpServer(bare.root, opts);
  const scratch = await mkdtemp(join(tmpdir(), 'boreas-http-'));
  t.after(async () => {
    await server.close();
    await Promise.all([work.cleanup(), bare.cleanup(), rm(scratch, { recursive: true, force: true })]);
  });
  return { work, bare, server, scratch, url: `${server.url}/repo.git` };
}

test('push is refused by default and accepted with receivePack', async (t) => {
  for (const receivePack of [false, true]) {
    const { work, bare, url } = await served(t, { receivePack });
    await work.write({ 'b.yaml': 'b: 1\n' });
    const sha = await work.commit('b');
    const push = runGit(work.dir, ['push', '--quiet', url, 'main']);
    if (receivePack) {
      await push;
      assert.equal(await runGit(bare.path, ['rev-parse', 'main']), sha);
    } else {
      await assert.rejects(push, /403|not permitted|denied/i);
    }
  }
});

test('a gzip-encoded upload-pack request is inflated and answered with a pack', async (t) => {
  const { work, server } = await served(t);
  const head = await work.revParse('HEAD');
  const pkt = (s: string) => (s.length + 4).toString(16).padStart(4, '0') + s;
  const body = gzipSync(Buffer.from(pkt(`want ${head}\n`) + '0000' + pkt('done\n')));
  const res = await new Promise<{ status: number; type: string; body: Buffer }>((resolve, reject) => {
    const req = request(`${server.url}/repo.git/git-upload-pack`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-git-upload-pack-request', 'Content-Encoding': 'gzip', 'Content-Length': body.length },
    });
    req.on('response', (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => resolve({ status: r.statusCode ?? 0, type: String(r.headers['content-type']), body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
  assert.equal(res.status, 200);
  assert.equal(res.type, 'application/x-git-upload-pack-result');
  assert.equal(res.body.subarray(0, 8).toString(), '0008NAK\n');
  assert.ok(res.body.includes('PACK'), 'the response carries a packfile');
});

const transports: TransportName[] = ['isomorphic-git', 'git-cli'];
for (const transport of transports) {
  test(`[${transport}] basic auth: credentials in the URL are sent; without them access is denied`, {
    skip: transport === 'git-cli' && !hasGitCli() && 'git CLI not installed',
  }, async (t) => {
    const { work, server, scratch, url } = await served(t, { auth: { username: 'bot', password: 'p4ss' } });
    const withCreds = url.replace('http://', 'http://bot:p4ss@');
    const source = await openSource({ repo: withCreds, cacheDir: scratch, transport });
    assert.equal((await source.resolve()).sha, await work.revParse('HEAD'));
    assert.equal(source.description, url, 'the description never shows the password');
    for (const e of await readdir(scratch, { recursive: true, withFileTypes: true })) {
      if (e.isFile()) assert.ok(!(await readFile(join(e.parentPath, e.name))).includes('p4ss'), `password stored in ${e.name}`);
    }
    await assert.rejects(openSource({ repo: url, cacheDir: join(scratch, 'anon'), transport }), (err: unknown) => {
      assert.ok(err instanceof UserError);
      assert.equal(err.exitCode, 2);
      assert.match(err.message, new RegExp(`^access denied to ${url.replace(/[.]/g, '\\.')}`));
      return true;
    });
    assert.ok(server.requests.some((r) => r.status === 401));
  });
}
