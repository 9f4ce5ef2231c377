// What an agent token can make a node do, through a real `boreas agent` process on 127.0.0.1:
// `allowCommands`/`runtimes` from agent.yaml (and --allow-command/--runtimes) refuse other
// executables and runtimes with a clear error before anything runs; an instance's cwd stays in its
// own dir or an allowed root; malformed URLs are 400; slow headers are cut off; a known
// idempotency key with different content is 409, also after a restart.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { AgentProcess, agentDirs, call } from '../helpers/agent.js';
import { resolveAgentConfig } from '../../src/agent/config.js';
import { readAgentConfigFile } from '../../src/agent/config-file.js';
import { flagsToConfig } from '../../src/cli/commands/agent.js';

/** Sends a request's headers one byte per `everyMs` and resolves with what the server answered before closing. */
function slowHeaders(url: string, everyMs: number): Promise<string> {
  const { hostname, port } = new URL(url);
  const head = `GET /v1/health HTTP/1.1\r\nHost: ${hostname}\r\nX-Slow: ${'a'.repeat(200)}\r\n\r\n`;
  return new Promise((resolve, reject) => {
    const sock = connect(Number(port), hostname);
    let answer = '';
    let i = 0;
    const timer = setInterval(() => {
      if (i < head.length && !sock.destroyed) sock.write(head[i++]);
    }, everyMs);
    sock.on('data', (d) => (answer += d.toString()));
    sock.on('error', reject);
    sock.on('close', () => {
      clearInterval(timer);
      resolve(answer);
    });
  });
}

test('agent: allow-list of commands and runtimes, confined cwd, 400 for bad URLs, slow headers cut off', { timeout: 90_000 }, async (t) => {
  const dirs = agentDirs('policy');
  const config = join(dirs.root, 'agent.yaml');
  writeFileSync(config, `allowCommands: [${process.execPath}]\nruntimes: [process, script, systemd]\nsystemdUnitDir: ${join(dirs.root, 'units')}\n`);
  const agent = new AgentProcess('policy', dirs, ['--config', config]);
  t.after(async () => {
    await agent.stop();
    dirs.cleanup();
  });
  const url = await agent.start();
  const slow = slowHeaders(url, 500);
  let id = 0;
  const task = async (type: string, payload: unknown) => (await call(url, dirs.token, 'POST', '/v1/tasks', { taskId: `p-${id++}`, type, payload })).json;
  const spec = (over: Record<string, unknown>) => ({
    app: 'pol',
    instance: 'pol-0',
    ordinal: 0,
    node: 'policy',
    host: '127.0.0.1',
    version: 'v1',
    runtime: 'process',
    env: {},
    ports: {},
    filesHash: '',
    state: 'Running',
    ...over,
  });

  const facts = await call(url, dirs.token, 'GET', '/v1/facts');
  assert.deepEqual(facts.json.runtimes.sort(), ['process', 'script', 'systemd']);

  // An allowed executable runs (an exec health probe with this very node binary)...
  const probe = await task('HealthProbe', { check: { exec: { command: [process.execPath, '-e', 'process.exit(0)'] } } });
  assert.equal(probe.status, 'succeeded', probe.errorMessage);
  assert.equal(probe.details.health.level, 100);
  // ...any other is refused, naming the field, the command and the allow-list.
  const sh = await task('HealthProbe', { check: { exec: { command: ['/bin/sh', '-c', 'touch /tmp/pwned'] } } });
  assert.equal(sh.status, 'failed');
  assert.equal(sh.errorMessage, `check.exec.command: "/bin/sh" (/bin/sh) is not allowed on this node (--allow-command ${process.execPath})`);

  const marker = join(dirs.root, 'ran');
  const started = await task('StartInstance', {
    spec: spec({ process: { command: 'sh', args: ['-c', `touch ${marker}; sleep 60`] } }),
    specHash: 'h',
    env: { PATH: '/usr/bin:/bin' },
  });
  assert.equal(started.status, 'failed');
  assert.match(started.errorMessage, /^process\.command: "sh" \(\/(usr\/)?bin\/sh\) is not allowed on this node \(--allow-command /);
  const script = await task('StartInstance', {
    spec: spec({ runtime: 'script', script: { start: ['/bin/sh', '-c', `touch ${marker}`] } }),
    specHash: 'h',
    env: {},
  });
  assert.match(script.errorMessage, /^script\.start: "\/bin\/sh" \(\/bin\/sh\) is not allowed/);
  const health = await task('StartInstance', {
    spec: spec({ process: { command: process.execPath, args: ['-e', 'setTimeout(() => {}, 1000)'] }, health: { exec: { command: ['/bin/true'] } } }),
    specHash: 'h',
    env: {},
  });
  assert.match(health.errorMessage, /^health\.exec\.command: "\/bin\/true" \(\/bin\/true\) is not allowed/);

  // The working directory stays in the instance dir or an allowed root.
  const cwd = await task('StartInstance', { spec: spec({ process: { command: process.execPath, args: ['-e', '0'], cwd: '/etc' } }), specHash: 'h', env: {} });
  assert.equal(cwd.status, 'failed');
  assert.match(cwd.errorMessage, /^process\.cwd: \/etc is outside the instance directory and the allowed roots \(/);
  const cwdUp = await task('StartInstance', {
    spec: spec({ process: { command: process.execPath, args: ['-e', '0'], cwd: '../..' } }),
    specHash: 'h',
    env: {},
  });
  assert.match(cwdUp.errorMessage, /^process\.cwd: .* is outside the instance directory/);

  // Runtimes not enabled are refused by name; systemd unit Exec lines are checked too.
  const container = await task('StartInstance', { spec: spec({ runtime: 'container', container: { image: 'busybox' } }), specHash: 'h', env: {} });
  assert.equal(container.errorMessage, 'runtime "container" is not enabled on this node (--runtimes process,script,systemd)');
  const unit = await task('SystemdInstallUnit', { unitName: 'evil.service', content: '[Service]\nExecStartPre=-/bin/sh -c id\nExecStart=/usr/bin/env true\n' });
  assert.equal(unit.status, 'failed');
  assert.match(unit.errorMessage, /^content: ExecStartPre: "\/bin\/sh" \(\/bin\/sh\) is not allowed on this node/);
  assert.equal(existsSync(join(dirs.root, 'units', 'evil.service')), false, 'nothing was written');

  // The v1 API goes through the same checks.
  const v1 = await call(url, dirs.token, 'POST', '/v1/apply', {
    app: 'seedy',
    version: '1',
    pkg: { type: 'binary', command: ['/bin/sh', '-c', `touch ${marker}`] },
  });
  assert.equal(v1.json.success, false);
  assert.match(v1.json.message, /process\.command: "\/bin\/sh" \(\/bin\/sh\) is not allowed on this node/);
  assert.equal(existsSync(marker), false, 'no refused command ran');

  // Malformed percent-encoding and targets are the client's error, with or without a token.
  for (const path of ['/v1/status/%E0%A4%A', '/v1/status/%zz', '/v1/status/a%']) {
    const res = await call(url, dirs.token, 'GET', path);
    assert.equal(res.status, 400, `${path}: ${JSON.stringify(res.json)}`);
    assert.match(res.json.error, /malformed request URL/);
  }
  assert.equal((await call(url, undefined, 'GET', '/v1/status/%E0%A4%A')).status, 400);

  // A client sending its headers slowly is answered 408 and disconnected (headersTimeout).
  assert.match(await slow, /^HTTP\/1\.1 408 /);
});

test('agent: a known idempotency key with different content is 409, also after a restart', { timeout: 60_000 }, async (t) => {
  const dirs = agentDirs('idem');
  const agent = new AgentProcess('idem', dirs);
  t.after(async () => {
    await agent.stop();
    dirs.cleanup();
  });
  let url = await agent.start();
  const path = join(dirs.allowedRoot, 'app.conf');
  const send = (taskId: string, content: string) =>
    call(url, dirs.token, 'POST', '/v1/tasks', { taskId, idempotencyKey: 'key-1', type: 'ApplyConfigFiles', payload: { files: [{ path, content }] } });

  const first = await send('t-1', 'one\n');
  assert.equal(first.json.status, 'succeeded');
  const other = await send('t-2', 'two\n');
  assert.equal(other.status, 409);
  assert.equal(other.json.error, 'idempotency key "key-1" was already used for a task with different content; send a new key for a new task');
  const same = await send('t-3', 'one\n');
  assert.equal(same.status, 200);
  assert.equal(same.json.replayed, true);

  await agent.stop();
  url = await agent.start();
  assert.equal((await send('t-4', 'two\n')).status, 409, 'the content hash is kept with the recorded result');
  assert.equal((await send('t-5', 'one\n')).json.replayed, true);
});

test('agent config: allowCommands/runtimes keys, --allow-command/--runtimes flags, clear errors', () => {
  const dirs = agentDirs('cfg');
  try {
    const file = join(dirs.root, 'agent.yaml');
    writeFileSync(file, 'allowCommands: [/usr/bin/node]\nruntimes: process,script\n');
    const fromFile = readAgentConfigFile(file);
    assert.deepEqual(resolveAgentConfig(fromFile).runtimes, ['process', 'script']);
    const cfg = resolveAgentConfig(fromFile, flagsToConfig({ allowCommand: ['/usr/bin/python3', '/bin/true'], runtimes: 'container' }));
    assert.deepEqual(cfg.allowCommands, ['/usr/bin/python3', '/bin/true'], 'flags win');
    assert.deepEqual(cfg.runtimes, ['container']);
    assert.deepEqual(resolveAgentConfig({}).allowCommands, [], 'default: no restriction');
    assert.equal(resolveAgentConfig({}).runtimes, undefined, 'default: every runtime');
    assert.throws(() => flagsToConfig({ runtimes: 'process,vm' }), {
      message: '--runtimes: unknown runtime "vm" (expected process, script, container, systemd)',
    });
    assert.throws(() => resolveAgentConfig(flagsToConfig({ allowCommand: ['python3'] })), {
      message: '--allow-command: expected an absolute path, got "python3"',
    });
    writeFileSync(file, 'allowCommands: [node]\n');
    assert.throws(() => readAgentConfigFile(file), /allowCommands\.0: must match pattern/);
  } finally {
    dirs.cleanup();
  }
});
