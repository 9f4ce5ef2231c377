// Artifacts served by a real HTTP server on 127.0.0.1: verified before use, mismatch refused.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ensureArtifact } from '../../src/runtime/artifact.js';
import { ProcessRunner } from '../../src/runtime/runners/process.js';
import { readRecord } from '../../src/runtime/state/instance-state.js';
import { freePort, getText, killAfter, onCleanup, processSpec, serverScript, tempDir, waitFor } from './helpers.js';

const binary = `#!${process.execPath}\n${serverScript}`;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

async function serve(t: import('node:test').TestContext, body: string): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits++;
    if (req.url !== '/dl/app') return void res.writeHead(404).end();
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  onCleanup(t, () => new Promise((r) => server.close(r)));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/dl/app`, hits: () => hits };
}

test('downloads over http, verifies sha256, applies the mode, skips a verified file next time', async (t) => {
  const dir = tempDir(t);
  const { url, hits } = await serve(t, binary);
  const path = await ensureArtifact({ url, sha256: sha(binary), mode: '0750' }, dir);
  assert.equal(path, join(dir, 'artifact', 'app'));
  assert.equal(statSync(path).mode & 0o777, 0o750);
  await ensureArtifact({ url, sha256: sha(binary), mode: '0750' }, dir);
  assert.equal(hits(), 1, 'second ensure does not download again');
});

test('a sha256 mismatch is a clear error and leaves nothing runnable', async (t) => {
  const dir = tempDir(t);
  const { url } = await serve(t, binary);
  const wrong = sha('something else');
  await assert.rejects(ensureArtifact({ url, sha256: wrong }, dir), (err: Error) => {
    assert.equal(err.name, 'UserError');
    assert.equal(err.message, `artifact ${url}: sha256 mismatch (expected ${wrong}, got ${sha(binary)}); not installed`);
    return true;
  });
  assert.deepEqual(readdirSync(join(dir, 'artifact')), [], 'no file and no temp file left');
  await assert.rejects(ensureArtifact({ url: url.replace('/dl/app', '/dl/missing'), sha256: wrong }, dir), /HTTP 404/);
});

test('file:// artifacts are verified too', async (t) => {
  const dir = tempDir(t);
  const src = join(dir, 'src-bin');
  writeFileSync(src, binary);
  const path = await ensureArtifact({ url: pathToFileURL(src).href, sha256: sha(binary), path: join(dir, 'opt/app') }, dir);
  assert.equal(path, join(dir, 'opt/app'));
  assert.equal(statSync(path).mode & 0o777, 0o755, 'default mode is executable');
});

test('the process runner runs the verified artifact; a mismatch starts nothing', async (t) => {
  const base = tempDir(t);
  const work = tempDir(t);
  const { url } = await serve(t, binary);
  killAfter(t, work, 'bin-0');
  const runner = new ProcessRunner({ workDir: work, baseDir: base });
  const port = await freePort();
  const bad = processSpec('bin-0', { process: { command: 'app', artifact: { url, sha256: sha('x') } } });
  await assert.rejects(runner.ensureRunning(bad, 'h0', { PORT: String(port) }), /sha256 mismatch/);
  assert.equal(await readRecord(work, 'bin-0'), undefined, 'nothing started');
  const good = processSpec('bin-0', { process: { command: 'app', artifact: { url, sha256: sha(binary) } } });
  assert.equal(await runner.ensureRunning(good, 'h1', { PORT: String(port), MESSAGE: 'from artifact' }), 'created');
  assert.equal(await waitFor('artifact server answers', () => getText(port)), 'from artifact');
  assert.equal((await readRecord(work, 'bin-0'))!.argv?.[0], join(work, 'instances/bin-0/artifact/app'));
  assert.ok(existsSync(join(work, 'instances/bin-0/artifact/app')));
});
