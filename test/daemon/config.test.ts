// boreas.yaml: every flag has a key; a bad file is refused with file:line:col and exit code 2 before
// anything starts; flags override the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { resolveDaemonConfig } from '../../src/daemon/config.js';

async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'boreas-daemon-config-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('daemon: an invalid config file exits 2 naming file:line:col of each problem', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'boreas.yaml');
  await writeFile(file, 'repo: .\nlisten: 127.0.0.1:8080\ninterval: soon\nwatch: yes please\nresynk: 5m\nlogFormat: xml\n');
  const res = await runCli(['daemon', '--config', file], { timeoutMs: 30_000 });
  assert.equal(res.code, 2, res.stderr);
  assert.match(res.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:11: interval: must be a duration such as 30s, 5m or 1h`));
  assert.match(res.stderr, /boreas\.yaml:4:8: watch: must be boolean/);
  assert.match(res.stderr, /boreas\.yaml:5:1: unknown key "resynk"/);
  assert.match(res.stderr, /boreas\.yaml:6:12: logFormat: must be one of "json", "text"/);
  assert.doesNotMatch(res.stderr, /at .*\.ts:\d+/, 'no stack trace');
});

test('daemon: YAML syntax errors and a missing --config file exit 2', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'boreas.yaml');
  await writeFile(file, 'repo: .\nlisten: [127.0.0.1\n');
  const res = await runCli(['daemon', '--config', file], { timeoutMs: 30_000 });
  assert.equal(res.code, 2);
  assert.match(res.stderr, /boreas\.yaml:\d+:\d+: /);
  const missing = await runCli(['daemon', '--config', join(dir, 'nope.yaml')], { timeoutMs: 30_000 });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /config file not found: .*nope\.yaml/);
});

test('daemon: bad flags exit 2 (listen address, duration, unreadable secret file)', async (t) => {
  const dir = await tempDir(t);
  for (const [args, re] of [
    [['--listen', 'localhost'], /--listen must be host:port/],
    [['--interval', 'often'], /--interval: invalid duration "often"/],
    [['--webhook-secret-file', join(dir, 'missing.secret')], /cannot read the webhook secret file .*missing\.secret: ENOENT/],
  ] as const) {
    const res = await runCli(['daemon', '--repo', dir, '--state', join(dir, 'state.db'), ...args], { timeoutMs: 30_000 });
    assert.equal(res.code, 2, `${args.join(' ')}: ${res.stderr}`);
    assert.match(res.stderr, re);
  }
});

test('daemon config: flags override the file, relative paths resolve against the file, defaults fill the rest', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'hook.secret'), ' s3cret \n');
  await writeFile(
    join(dir, 'boreas.yaml'),
    'repo: manifests-repo\nstate: var/state.db\nlisten: 0.0.0.0:9000\ninterval: 30s\nwebhookSecretFile: hook.secret\nprune: false\nconcurrency: 2\n',
  );
  // Found as ./boreas.yaml without --config.
  const cfg = resolveDaemonConfig({ listen: '127.0.0.1:0', resync: '10s' }, dir);
  assert.equal(cfg.repo, join(dir, 'manifests-repo'));
  assert.equal(cfg.state, join(dir, 'var/state.db'));
  assert.deepEqual([cfg.host, cfg.port], ['127.0.0.1', 0]);
  assert.equal(cfg.intervalMs, 30_000);
  assert.equal(cfg.resyncMs, 10_000);
  assert.equal(cfg.webhookSecret, 's3cret');
  assert.equal(cfg.prune, false);
  assert.equal(cfg.concurrency, 2);
  assert.equal(cfg.logFormat, 'json');
  assert.equal(cfg.timeoutMs, 300_000);
  const noFile = resolveDaemonConfig({}, join(dir, 'var'));
  assert.equal(noFile.intervalMs, 60_000);
  assert.equal(noFile.resyncMs, 300_000);
  assert.deepEqual([noFile.host, noFile.port], ['127.0.0.1', 8080]);
  assert.equal(noFile.prune, true);
});
