// Typed tasks against real agents: a process instance started, observed, stopped and removed through
// /v1/tasks + /v1/observe; and idempotency that survives an agent crash (kill -9 and restart on the
// same work dir): a task key seen before is answered from the record and not run again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSameProcessAlive } from '../../src/runtime/process/proc-stat.js';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AgentProcess, agentDirs, call, inProcessAgent } from '../helpers/agent.js';

/** Running (a zombie the agent has not reaped yet is stopped: kill(pid, 0) would still succeed on it). */
const alive = (pid: number) => isSameProcessAlive(pid);

function instanceSpec(instance: string, script: string, state: 'Running' | 'Stopped' = 'Running') {
  return {
    app: 'echo',
    instance,
    ordinal: 0,
    node: 'n1',
    host: '127.0.0.1',
    version: 'v1',
    runtime: 'process',
    process: { command: process.execPath, args: ['-e', script] },
    env: { GREETING: 'hi', SECRET: { valueFrom: { env: 'X' } } },
    ports: {},
    filesHash: '',
    state,
  };
}

test('start, observe, stop and remove a process instance through tasks', async (t) => {
  // Supervision slowed down so the controller-side repair path is what this test sees.
  const { agent, dirs, stop } = await inProcessAgent('n1', {}, { supervision: { intervalMs: 600_000 } });
  t.after(stop);
  const keep = 'setInterval(() => {}, 1000); console.log(process.env.GREETING, process.env.SECRET)';
  const spec = instanceSpec('echo-0', keep);
  const resource = { id: 'agent:n1/Instance/echo-0', kind: 'Instance', hash: 'h1' };
  const observe = async () =>
    (
      await call(agent.url, dirs.token, 'POST', '/v1/observe', {
        resources: [{ id: resource.id, kind: 'Instance', locator: { runtime: 'process', instance: 'echo-0', state: 'Running' } }],
      })
    ).json.observations[0];

  const before = await observe();
  assert.equal(before.state, 'absent');
  assert.equal(before.health.status, 'Missing');

  const started = await call(agent.url, dirs.token, 'POST', '/v1/tasks', {
    taskId: 'k1',
    type: 'StartInstance',
    resource,
    payload: { spec, specHash: 'h1', env: { GREETING: 'hi', SECRET: 's3cr3t-value' } },
  });
  assert.equal(started.json.status, 'succeeded', started.json.errorMessage);
  assert.equal(started.json.outcome, 'created');
  const running = await observe();
  assert.equal(running.state, 'present');
  assert.equal(running.appliedHash, 'h1');
  assert.equal(running.health.level, 100);
  const pid = running.details.pid as number;
  assert.ok(alive(pid));
  await new Promise((r) => setTimeout(r, 300));
  assert.match(readFileSync(running.details.stdoutLog, 'utf8'), /hi s3cr3t-value/);
  // The resolved secret reached the process only: not the agent's state, not the instance record.
  assert.equal(readFileSync(join(dirs.workDir, 'agent.db')).includes(Buffer.from('s3cr3t-value')), false);
  assert.equal(readFileSync(join(dirs.workDir, 'instances', 'echo-0', 'state.json'), 'utf8').includes('s3cr3t-value'), false);

  // The same task again (a retried delivery) is answered from the record.
  const again = await call(agent.url, dirs.token, 'POST', '/v1/tasks', {
    taskId: 'k1',
    type: 'StartInstance',
    resource,
    payload: { spec, specHash: 'h1', env: { GREETING: 'hi', SECRET: 's3cr3t-value' } },
  });
  assert.equal(again.json.replayed, true);
  assert.equal((await observe()).details.pid, pid);

  // The process dies: observe reports it, a new task restarts it.
  process.kill(pid, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 200));
  const dead = await observe();
  assert.equal(dead.state, 'absent');
  assert.match(dead.drift.join(' '), /process exited/);
  const repaired = await call(agent.url, dirs.token, 'POST', '/v1/tasks', {
    taskId: 'k2',
    type: 'StartInstance',
    resource,
    payload: { spec, specHash: 'h1', env: { GREETING: 'hi', SECRET: 'x' } },
  });
  assert.equal(repaired.json.outcome, 'configured');
  const pid2 = (await observe()).details.pid as number;
  assert.notEqual(pid2, pid);

  const stopped = await call(agent.url, dirs.token, 'POST', '/v1/tasks', {
    taskId: 'k3',
    type: 'StopInstance',
    resource,
    payload: { runtime: 'process', instance: 'echo-0' },
  });
  assert.equal(stopped.json.outcome, 'configured');
  assert.equal(alive(pid2), false);
  const obsStopped = (
    await call(agent.url, dirs.token, 'POST', '/v1/observe', {
      resources: [{ id: resource.id, kind: 'Instance', locator: { runtime: 'process', instance: 'echo-0', state: 'Stopped' } }],
    })
  ).json.observations[0];
  assert.equal(obsStopped.health.status, 'Suspended');

  const removed = await call(agent.url, dirs.token, 'POST', '/v1/tasks', {
    taskId: 'k4',
    type: 'RemoveInstance',
    resource,
    payload: { runtime: 'process', instance: 'echo-0' },
  });
  assert.equal(removed.json.outcome, 'deleted');
  assert.equal((await observe()).state, 'absent');
  assert.equal(existsSync(join(dirs.workDir, 'instances', 'echo-0', 'state.json')), false);
  const status = await call(agent.url, dirs.token, 'GET', '/v1/status');
  assert.deepEqual(status.json.apps, []);
});

test('after a crash and restart the agent does not repeat a task it already ran', async (t) => {
  const dirs = agentDirs('crash');
  const agent = new AgentProcess('crash', dirs);
  t.after(async () => {
    await agent.stop('SIGKILL');
    dirs.cleanup();
  });
  const url1 = await agent.start();
  const path = join(dirs.allowedRoot, 'app.conf');
  const task = {
    taskId: 'task-1',
    idempotencyKey: 'key-1',
    type: 'ApplyConfigFiles',
    resource: { id: 'agent:crash/File/app.conf', kind: 'File', hash: 'fh1' },
    payload: { files: [{ path, content: 'v1\n' }] },
  };
  const first = await call(url1, dirs.token, 'POST', '/v1/tasks', task);
  assert.equal(first.json.status, 'succeeded');
  assert.equal(first.json.outcome, 'created');

  await agent.stop('SIGKILL');
  // Something else changes the file while the agent is down; a re-run of key-1 would overwrite it.
  writeFileSync(path, 'edited by hand\n');
  const url2 = await agent.start();
  const replay = await call(url2, dirs.token, 'POST', '/v1/tasks', task);
  assert.equal(replay.json.status, 'succeeded');
  assert.equal(replay.json.replayed, true);
  assert.equal(replay.json.outcome, 'created', 'the recorded result, not a new run');
  assert.equal(replay.json.startedAt, first.json.startedAt);
  assert.equal(readFileSync(path, 'utf8'), 'edited by hand\n');

  // The agent also still knows what it applied: observe sees the hand edit as drift.
  const obs = (await call(url2, dirs.token, 'POST', '/v1/observe', { resources: [{ id: task.resource.id, kind: 'File' }] })).json.observations[0];
  assert.equal(obs.appliedHash, 'fh1');
  assert.deepEqual(obs.drift, [`${path} was edited on disk`]);

  // A new key for the same content is a new task and repairs the file.
  const repair = await call(url2, dirs.token, 'POST', '/v1/tasks', { ...task, taskId: 'task-2', idempotencyKey: 'key-2' });
  assert.equal(repair.json.outcome, 'configured');
  assert.equal(readFileSync(path, 'utf8'), 'v1\n');
  rmSync(path);
});

test('a failed task is retryable under the same key', async (t) => {
  const { agent, dirs, stop } = await inProcessAgent('retry');
  t.after(stop);
  const spec = instanceSpec('bad-0', 'process.exit(3)');
  const task = {
    taskId: 'r1',
    type: 'StartInstance',
    payload: { spec: { ...spec, process: { command: join(dirs.root, 'missing-bin') } }, specHash: 'x', env: {} },
  };
  const fail1 = await call(agent.url, dirs.token, 'POST', '/v1/tasks', task);
  assert.equal(fail1.json.status, 'failed');
  const fail2 = await call(agent.url, dirs.token, 'POST', '/v1/tasks', task);
  assert.equal(fail2.json.status, 'failed');
  assert.equal(fail2.json.replayed, undefined, 'failures are re-run, not replayed');
});

test('HealthProbe reports the health of an endpoint on the node (tcp/http/exec)', async (t) => {
  const { agent, dirs, stop } = await inProcessAgent('probe');
  const { createServer } = await import('node:http');
  const server = createServer((req, res) => {
    res.statusCode = req.url === '/ok' ? 200 : 500;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(async () => {
    server.close();
    await stop();
  });
  const port = (server.address() as { port: number }).port;
  const probe = async (check: object) =>
    (await call(agent.url, dirs.token, 'POST', '/v1/tasks', { taskId: `p-${JSON.stringify(check)}`, type: 'HealthProbe', payload: { check } })).json;
  const ok = await probe({ http: { port, path: '/ok' } });
  assert.equal(ok.status, 'succeeded');
  assert.deepEqual(ok.details.health, { status: 'Healthy', level: 100, msg: `GET http://127.0.0.1:${port}/ok: 200` });
  assert.equal((await probe({ http: { port, path: '/bad' } })).details.health.level, 0);
  assert.equal((await probe({ tcp: { port } })).details.health.level, 100);
  assert.equal((await probe({ exec: { command: ['/bin/false'] } })).details.health.level, 0);
});

test('the agent restarts a crashed process instance with backoff between reconciles', async (t) => {
  const { agent, dirs, stop } = await inProcessAgent('sup', {}, { supervision: { intervalMs: 100, minBackoffMs: 300 } });
  t.after(stop);
  const spec = instanceSpec('sup-0', 'setInterval(() => {}, 1000)');
  const resource = { id: 'agent:sup/Instance/sup-0', kind: 'Instance', hash: 'h1' };
  const started = await call(agent.url, dirs.token, 'POST', '/v1/tasks', {
    taskId: 's1',
    type: 'StartInstance',
    resource,
    payload: { spec, specHash: 'h1', env: { SECRET: 'kept-in-memory' } },
  });
  assert.equal(started.json.status, 'succeeded', started.json.errorMessage);
  const pidOf = async () =>
    (await call(agent.url, dirs.token, 'POST', '/v1/observe', { resources: [{ id: resource.id, kind: 'Instance' }] })).json.observations[0].details.pid as
      | number
      | null;
  const pid1 = (await pidOf())!;
  process.kill(pid1, 'SIGKILL');
  let pid2: number | null = null;
  for (let i = 0; i < 50 && (!pid2 || pid2 === pid1); i++) {
    await new Promise((r) => setTimeout(r, 100));
    pid2 = await pidOf().catch(() => null);
  }
  assert.ok(pid2 && pid2 !== pid1 && alive(pid2), 'restarted by the agent without a controller task');
  assert.ok(readFileSync(`/proc/${pid2}/environ`, 'utf8').includes('SECRET=kept-in-memory'), 'restarted with the env it was started with');
  // Stopped on purpose: not restarted.
  await call(agent.url, dirs.token, 'POST', '/v1/tasks', { taskId: 's2', type: 'StopInstance', payload: { runtime: 'process', instance: 'sup-0' } });
  await new Promise((r) => setTimeout(r, 800));
  assert.equal(alive(pid2!), false);
  const rec = JSON.parse(readFileSync(join(dirs.workDir, 'instances', 'sup-0', 'state.json'), 'utf8'));
  assert.equal(rec.desired, 'stopped');
  assert.equal(rec.pid, undefined);
  await call(agent.url, dirs.token, 'POST', '/v1/tasks', { taskId: 's3', type: 'RemoveInstance', payload: { runtime: 'process', instance: 'sup-0' } });
});
