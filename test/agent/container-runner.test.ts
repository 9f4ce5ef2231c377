// The container runner against a real Docker engine (private dockerd, busybox image from docker
// import): create/start, labels, observe, unchanged on the same spec, replace on a new spec, stop,
// remove, list by label — and the same through a real agent's StartInstance task.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerRunner } from '../../src/runtime/runners/container.js';
import type { InstanceSpec } from '../../src/model/machine-specs.js';
import { busyboxImage, startDockerd } from '../helpers/docker.js';
import { call, inProcessAgent } from '../helpers/agent.js';

const engine = await startDockerd();
const skip = 'skip' in engine ? engine.skip : undefined;
after(() => ('skip' in engine ? undefined : engine.stop()));

function spec(instance: string, port: number, version = 'v1'): InstanceSpec {
  return {
    app: 'web',
    instance,
    ordinal: 0,
    node: 'n1',
    host: '127.0.0.1',
    version,
    runtime: 'container',
    container: { image: busyboxImage, command: ['/bin/httpd'], args: ['-f', '-p', `127.0.0.1:${port}`, '-h', '/'] },
    env: { GREETING: 'hello' },
    ports: { http: port },
    filesHash: '',
    state: 'Running',
  };
}

const freePort = () => 20000 + Math.floor(Math.random() * 20000);

test('container runner: create, observe, unchanged, replace, stop, remove', { skip }, async (t) => {
  if ('skip' in engine) return;
  const work = mkdtempSync(join(tmpdir(), 'boreas-ctr-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const runner = new ContainerRunner({ workDir: work, baseDir: work }, { socketPath: engine.socketPath, stopTimeoutSeconds: 1 });
  const port = freePort();

  assert.deepEqual(await runner.observe('web-0'), { exists: false, running: false });
  assert.equal(await runner.ensureRunning(spec('web-0', port), 'hash-1', { GREETING: 'hello', TOKEN: 'secret' }), 'created');
  const seen = await runner.observe('web-0');
  assert.equal(seen.exists, true);
  assert.equal(seen.running, true);
  assert.equal(seen.appliedHash, 'hash-1');
  // Really serving on the host network.
  let res: Response | undefined;
  for (let i = 0; i < 40 && !res; i++)
    res = await fetch(`http://127.0.0.1:${port}/bin/`).catch(() => new Promise<undefined>((r) => setTimeout(() => r(undefined), 100)));
  assert.ok(res, 'httpd in the container answers');
  const info = await runner.docker.getContainer(String(seen.details!.containerId)).inspect();
  assert.equal(info.Config.Labels['boreas.instance'], 'web-0');
  assert.equal(info.Config.Labels['boreas.spec-hash'], 'hash-1');
  assert.ok(info.Config.Env.includes('TOKEN=secret'));
  assert.equal(info.HostConfig.NetworkMode, 'host');

  assert.equal(await runner.ensureRunning(spec('web-0', port), 'hash-1', { GREETING: 'hello', TOKEN: 'secret' }), 'unchanged');
  assert.equal((await runner.observe('web-0')).fingerprint, seen.fingerprint);
  // A rotated secret (same spec) replaces the container too.
  assert.equal(await runner.ensureRunning(spec('web-0', port), 'hash-1', { GREETING: 'hello', TOKEN: 'rotated' }), 'configured');
  assert.notEqual((await runner.observe('web-0')).fingerprint, seen.fingerprint);
  assert.equal(await runner.ensureRunning(spec('web-0', port, 'v2'), 'hash-2', { TOKEN: 'rotated' }), 'configured');
  const replaced = await runner.observe('web-0');
  assert.equal(replaced.appliedHash, 'hash-2');
  assert.deepEqual(await runner.list(), ['web-0']);
  assert.equal((await runner.docker.listContainers({ all: true, filters: { label: ['boreas.instance=web-0'] } })).length, 1, 'the old container is gone');

  const stoppedSpec = { ...spec('web-0', port, 'v2'), state: 'Stopped' as const };
  assert.equal(await runner.stop('web-0', { spec: stoppedSpec, specHash: 'hash-stopped' }), 'configured');
  const stopped = await runner.observe('web-0');
  assert.equal(stopped.exists, true);
  assert.equal(stopped.running, false);
  assert.equal(stopped.appliedHash, 'hash-stopped', 'the Stopped spec counts as applied');
  assert.equal(await runner.stop('web-0', { spec: stoppedSpec, specHash: 'hash-stopped' }), 'unchanged');
  // A stopped container with the same spec is started again, not re-created.
  assert.equal(await runner.ensureRunning(spec('web-0', port, 'v2'), 'hash-2', { TOKEN: 'rotated' }), 'configured');
  const restarted = await runner.observe('web-0');
  assert.equal(restarted.details!.containerId, replaced.details!.containerId);
  assert.equal(restarted.appliedHash, 'hash-2');

  assert.equal(await runner.remove('web-0'), 'deleted');
  assert.equal(await runner.remove('web-0'), 'unchanged');
  assert.deepEqual(await runner.list(), []);
});

test('agent: v1 docker apply and a StartInstance task run containers', { skip }, async (t) => {
  if ('skip' in engine) return;
  const { agent, dirs, stop } = await inProcessAgent('docker-node', { dockerSocket: engine.socketPath });
  t.after(stop);
  const port = freePort();
  const applied = await call(agent.url, dirs.token, 'POST', '/v1/apply', {
    app: 'my-app',
    version: 'v1.0.0',
    pkg: {
      type: 'docker',
      image: busyboxImage,
      command: ['/bin/httpd', '-f', '-p', `127.0.0.1:${port}`, '-h', '/'],
      ports: [{ host: port, container: port }],
      environment: { ENV: 'production' },
    },
  });
  assert.deepEqual(applied.json, { app: 'my-app', message: 'Deployed my-app v1.0.0 on docker-node (started)', success: true });
  const status = await call(agent.url, dirs.token, 'GET', '/v1/status/my-app');
  assert.equal(status.json.apps[0].status, 'running');

  const s = spec('api-0', freePort());
  const resource = { id: 'agent:docker-node/Instance/api-0', kind: 'Instance', hash: 'h1' };
  const started = await call(agent.url, dirs.token, 'POST', '/v1/tasks', {
    taskId: 'c1',
    type: 'StartInstance',
    resource,
    payload: { spec: s, specHash: 'h1', env: { A: 'b' } },
  });
  assert.equal(started.json.status, 'succeeded', started.json.errorMessage);
  const obs = (await call(agent.url, dirs.token, 'POST', '/v1/observe', { resources: [{ id: resource.id, kind: 'Instance' }] })).json.observations[0];
  assert.equal(obs.state, 'present');
  assert.equal(obs.appliedHash, 'h1');
  assert.equal(obs.details.runtime, 'container');
  for (const [key, runtime, instance] of [
    ['c2', 'container', 'api-0'],
    ['c3', 'container', 'my-app'],
  ]) {
    const removed = await call(agent.url, dirs.token, 'POST', '/v1/tasks', { taskId: key, type: 'RemoveInstance', payload: { runtime, instance } });
    assert.equal(removed.json.outcome, 'deleted');
  }
});
