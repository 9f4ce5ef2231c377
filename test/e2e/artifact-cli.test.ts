// An http(s) artifact through the shipped CLI: `reconcile --once` downloads the binary from a server
// on 127.0.0.1, verifies its sha256, starts it and waits for its health; `down` stops it. Run through
// the bundled CLI, this also covers how the bundle loads CommonJS libraries on first use (undici here).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { createGitRepo } from '../helpers/git-repo.js';
import { environmentYaml, freePort } from '../helpers/local-fleet.js';
import { serverScript } from '../runtime/helpers.js';

const binary = `#!${process.execPath}\n${serverScript}`;

test('reconcile downloads, verifies and runs an http artifact; down stops it', async (t) => {
  let downloads = 0;
  const server = http.createServer((req, res) => {
    if (req.url !== '/dl/app') return void res.writeHead(404).end();
    downloads++;
    res.end(binary);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/dl/app`;
  const sha256 = createHash('sha256').update(binary).digest('hex');

  const scratch = mkdtempSync(join(tmpdir(), 'boreas-artifact-'));
  t.after(() => rmSync(scratch, { recursive: true, force: true }));
  const repo = await createGitRepo();
  t.after(() => repo.cleanup());
  const port = await freePort(1);
  await repo.write({
    'env.yaml': environmentYaml(),
    'app.yaml': [
      'apiVersion: boreas.dev/v1',
      'kind: Application',
      'metadata: {name: dl}',
      'spec:',
      '  environment: dev',
      '  runtime: process',
      '  version: v1',
      `  process: {command: app, artifact: {url: ${JSON.stringify(url)}, sha256: ${sha256}, mode: "0755"}}`,
      `  ports: [{name: http, port: ${port}}]`,
      '  health: {http: {port: http, path: /healthz}, intervalSeconds: 1, timeoutSeconds: 1}',
      `  env: {PORT: "${port}", MESSAGE: from-artifact}`,
      '',
    ].join('\n'),
  });
  await repo.commit('an app from an artifact');
  const state = join(scratch, 'state', 'state.db');
  t.after(async () => void (await runCli(['down', '--state', state]).catch(() => undefined)));

  const first = await runCli(['reconcile', '--once', '--repo', repo.dir, '--state', state, '--timeout', '60s']);
  assert.equal(first.code, 0, first.stdout + first.stderr);
  assert.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), 'from-artifact');
  assert.equal(downloads, 1);
  assert.ok(existsSync(join(scratch, 'state', 'local', 'instances', 'dl-0', 'artifact', 'app')), 'the verified artifact is in the instance directory');

  const again = await runCli(['reconcile', '--once', '--repo', repo.dir, '--state', state]);
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.equal(downloads, 1, 'a verified artifact is not downloaded again');

  // A wrong digest is refused before anything starts, and named.
  writeFileSync(
    join(repo.dir, 'app.yaml'),
    readFileSync(join(repo.dir, 'app.yaml'), 'utf8').replace(sha256, 'f'.repeat(64)).replace('version: v1', 'version: v2'),
  );
  await repo.commit('a wrong digest');
  const bad = await runCli(['reconcile', '--once', '--repo', repo.dir, '--state', state, '--timeout', '30s']);
  assert.equal(bad.code, 1, bad.stdout + bad.stderr);
  assert.match(bad.stdout + bad.stderr, /sha256 mismatch/);
  assert.doesNotMatch(bad.stdout + bad.stderr, /internal error/);

  const down = await runCli(['down', '--state', state]);
  assert.equal(down.code, 0, down.stdout + down.stderr);
  await assert.rejects(fetch(`http://127.0.0.1:${port}/`), 'stopped');
});
