// The agent's HTTP API as a controller or an operator with curl sees it: auth, request checks, the
// v1 API shapes, and the file-root confinement. Real agents on 127.0.0.1, real files, real processes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { call, inProcessAgent } from '../helpers/agent.js';

test('every route but health/ready needs the bearer token: missing or wrong token gets 401', async (t) => {
  const { agent, dirs, stop } = await inProcessAgent('auth');
  t.after(stop);
  assert.equal((await call(agent.url, undefined, 'GET', '/v1/health')).status, 200);
  assert.deepEqual((await call(agent.url, undefined, 'GET', '/v1/ready')).json, { ready: true });
  for (const [method, path] of [
    ['GET', '/v1/status'],
    ['GET', '/v1/status/x'],
    ['POST', '/v1/apply'],
    ['POST', '/v1/tasks'],
    ['POST', '/v1/observe'],
  ]) {
    const missing = await call(agent.url, undefined, method, path, method === 'POST' ? {} : undefined);
    assert.equal(missing.status, 401, `${method} ${path} without token`);
    assert.match(missing.json.error, /bearer token/);
    const wrong = await call(agent.url, dirs.token + 'x', method, path, method === 'POST' ? {} : undefined);
    assert.equal(wrong.status, 401, `${method} ${path} with a wrong token`);
  }
  assert.equal((await call(agent.url, dirs.token, 'GET', '/v1/status')).status, 200);
  // The token itself is nowhere in the work dir (only its hash is kept, and only in memory).
  const db = readFileSync(join(dirs.workDir, 'agent.db'));
  assert.equal(db.includes(Buffer.from(dirs.token)), false);
});

test('unknown fields are refused with 400 naming the field; malformed JSON too', async (t) => {
  const { agent, dirs, stop } = await inProcessAgent('schema');
  t.after(stop);
  const v1 = await call(agent.url, dirs.token, 'POST', '/v1/apply', { app: 'web', version: 'v1', pkg: { type: 'docker', image: 'x', colour: 'red' } });
  assert.equal(v1.status, 400);
  assert.equal(v1.json.error, 'body.pkg: unknown field "colour"');
  const task = await call(agent.url, dirs.token, 'POST', '/v1/tasks', {
    taskId: 't',
    type: 'ApplyConfigFiles',
    payload: { files: [{ path: join(dirs.allowedRoot, 'a'), content: 'x', owner_name: 'root' }] },
  });
  assert.equal(task.status, 400);
  assert.equal(task.json.error, 'body.payload.files[0]: unknown field "owner_name"');
  const envelope = await call(agent.url, dirs.token, 'POST', '/v1/tasks', { taskId: 't', type: 'Reboot', payload: {} });
  assert.equal(envelope.status, 400);
  assert.match(envelope.json.error, /body\.type: must be one of "ApplyConfigFiles"/);
  const bad = await call(agent.url, dirs.token, 'POST', '/v1/tasks', '{"taskId": ');
  assert.equal(bad.status, 400);
  assert.match(bad.json.error, /not valid JSON/);
});

test('a body over the limit gets 413 and is not processed', async (t) => {
  const { agent, dirs, stop } = await inProcessAgent('big', { maxBodyBytes: 64 * 1024 });
  t.after(stop);
  const path = join(dirs.allowedRoot, 'huge.txt');
  const res = await call(agent.url, dirs.token, 'POST', '/v1/tasks', {
    taskId: 'big',
    type: 'ApplyConfigFiles',
    payload: { files: [{ path, content: 'x'.repeat(200 * 1024) }] },
  });
  assert.equal(res.status, 413);
  assert.match(res.json.error, /exceeds the limit of 65536 bytes/);
  assert.equal(existsSync(path), false);
});

test('v1 API: /v1/apply and /v1/status use exactly the v1 field names', async (t) => {
  const { agent, dirs, stop } = await inProcessAgent('seed');
  t.after(async () => {
    await call(agent.url, dirs.token, 'POST', '/v1/tasks', { taskId: 'cleanup', type: 'RemoveInstance', payload: { runtime: 'process', instance: 'my-app' } });
    await stop();
  });
  const req = { app: 'my-app', version: 'v1.0.0', pkg: { type: 'binary', command: ['/bin/sleep', '300'], environment: { ENV: 'production' } } };
  const applied = await call(agent.url, dirs.token, 'POST', '/v1/apply', req);
  assert.equal(applied.status, 200);
  assert.deepEqual(Object.keys(applied.json), ['app', 'message', 'success']);
  assert.equal(applied.json.app, 'my-app');
  assert.equal(applied.json.success, true);
  assert.match(applied.json.message, /my-app v1\.0\.0 on seed/);

  const all = await call(agent.url, dirs.token, 'GET', '/v1/status');
  assert.deepEqual(Object.keys(all.json), ['apps']);
  const [app] = all.json.apps;
  assert.deepEqual(Object.keys(app), ['app', 'version', 'healthy', 'status', 'updated']);
  assert.deepEqual(Object.keys(app.healthy), ['level', 'msg']);
  assert.deepEqual(
    { app: app.app, version: app.version, healthy: app.healthy, status: app.status },
    { app: 'my-app', version: 'v1.0.0', healthy: { level: 100, msg: 'OK' }, status: 'running' },
  );
  assert.ok(!Number.isNaN(Date.parse(app.updated)));

  const one = await call(agent.url, dirs.token, 'GET', '/v1/status/my-app');
  assert.deepEqual(
    one.json.apps.map((a: { app: string }) => a.app),
    ['my-app'],
  );
  assert.equal((await call(agent.url, dirs.token, 'GET', '/v1/status/nope')).status, 404);
  // The process really runs with the package's environment.
  const pid = readFileSync(join(dirs.workDir, 'instances', 'my-app', 'state.json'), 'utf8').match(/"pid": (\d+)/)![1];
  assert.match(readFileSync(`/proc/${pid}/environ`, 'utf8'), /ENV=production/);

  // A package whose command cannot start is success: false with the reason.
  const broken = await call(agent.url, dirs.token, 'POST', '/v1/apply', { app: 'broken', version: 'v1', pkg: { type: 'binary', command: '/nonexistent/bin' } });
  assert.deepEqual(Object.keys(broken.json), ['app', 'message', 'success']);
  assert.equal(broken.json.success, false);
  assert.match(broken.json.message, /nonexistent/);
});

test('file tasks outside the allowed roots are refused and write nothing', async (t) => {
  const { agent, dirs, stop } = await inProcessAgent('roots');
  t.after(stop);
  const inside = join(dirs.allowedRoot, 'app', 'config.yaml');
  const outside = join(dirs.root, 'outside.yaml');
  const both = await call(agent.url, dirs.token, 'POST', '/v1/tasks', {
    taskId: 'f1',
    type: 'ApplyConfigFiles',
    payload: {
      files: [
        { path: inside, content: 'a: 1\n' },
        { path: outside, content: 'evil' },
      ],
    },
  });
  assert.equal(both.json.status, 'failed');
  assert.match(both.json.errorMessage, /outside\.yaml is outside the allowed roots/);
  assert.equal(existsSync(inside), false, 'no partial apply');
  assert.equal(existsSync(outside), false);
  for (const path of [join(dirs.allowedRoot, '..', 'escape.yaml'), '/etc/boreas-test-should-not-exist']) {
    const r = await call(agent.url, dirs.token, 'POST', '/v1/tasks', {
      taskId: `f-${path}`,
      type: 'ApplyConfigFiles',
      payload: { files: [{ path, content: 'x' }] },
    });
    assert.equal(r.json.status, 'failed', path);
    assert.equal(existsSync(path), false);
  }
  // A symlink planted inside the root does not lead out of it.
  symlinkSync(dirs.root, join(dirs.allowedRoot, 'link'));
  const viaLink = await call(agent.url, dirs.token, 'POST', '/v1/tasks', {
    taskId: 'f-link',
    type: 'ApplyConfigFiles',
    payload: { files: [{ path: join(dirs.allowedRoot, 'link', 'x.conf'), content: 'x' }] },
  });
  assert.equal(viaLink.json.status, 'failed');
  assert.equal(existsSync(join(dirs.root, 'x.conf')), false);

  const ok = await call(agent.url, dirs.token, 'POST', '/v1/tasks', {
    taskId: 'f2',
    type: 'ApplyConfigFiles',
    payload: { files: [{ path: inside, content: 'a: 1\n', mode: '0640' }] },
  });
  assert.equal(ok.json.status, 'succeeded');
  assert.equal(ok.json.outcome, 'created');
  assert.equal(readFileSync(inside, 'utf8'), 'a: 1\n');
});

test('v1 API: a script package runs through start/status/stop commands', async (t) => {
  const { agent, dirs, stop } = await inProcessAgent('script');
  t.after(stop);
  const flag = join(dirs.allowedRoot, 'running');
  const pkg = { type: 'script', start: ['/bin/sh', '-c', `touch ${flag}`], status: ['/bin/sh', '-c', `test -e ${flag}`], stop: ['/bin/rm', '-f', flag] };
  const applied = await call(agent.url, dirs.token, 'POST', '/v1/apply', { app: 'job', version: 'v2', pkg });
  assert.equal(applied.json.success, true, applied.json.message);
  assert.equal(existsSync(flag), true);
  const status = await call(agent.url, dirs.token, 'GET', '/v1/status/job');
  assert.deepEqual(
    { ...status.json.apps[0], updated: 'x' },
    { app: 'job', version: 'v2', healthy: { level: 100, msg: 'OK' }, status: 'running', updated: 'x' },
  );
  const removed = await call(agent.url, dirs.token, 'POST', '/v1/tasks', {
    taskId: 'rm',
    type: 'RemoveInstance',
    payload: { runtime: 'script', instance: 'job' },
  });
  assert.equal(removed.json.outcome, 'deleted');
  assert.equal(existsSync(flag), false, 'the stop command ran');
  assert.deepEqual((await call(agent.url, dirs.token, 'GET', '/v1/status')).json, { apps: [] });
  const missing = await call(agent.url, dirs.token, 'POST', '/v1/apply', { app: 'job2', version: 'v1', pkg: { type: 'script' } });
  assert.equal(missing.status, 400);
  assert.equal(missing.json.error, 'body.pkg: missing field "start" (required for type script)');
});
