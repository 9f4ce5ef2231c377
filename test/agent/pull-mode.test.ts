// Pull mode end to end: a real `boreas daemon` (its pull-protocol endpoints) and a real agent started with
// --controller-url. The agent heartbeats its facts, long-polls, runs the task through handleTask and
// reports; the controller's dispatch settles with the push-mode result shape. Nothing connects to
// the agent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveDaemonConfig, startDaemon } from '../../src/daemon/index.js';
import { silentLogger } from '../../src/util/logger.js';
import { createGitRepo } from '../helpers/git-repo.js';
import { resolveAgentConfig } from '../../src/agent/config.js';
import { startAgent } from '../../src/agent/server.js';
import { createAgentTargetFactory } from '../../src/targets/agent/index.js';
import { testNode, testScope, testTargetContext } from '../helpers/targets.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { hashJson } from '../../src/util/hash.js';
import type { DesiredResource } from '../../src/model/resource.js';

test('pull mode: heartbeat with facts, long poll, task run and reported, replay by key', { timeout: 90_000 }, async (t) => {
  const tmp = mkdtempSync(join(tmpdir(), 'boreas-pull-'));
  const repo = await createGitRepo({
    'manifests/environment.yaml': 'apiVersion: boreas.dev/v1\nkind: Environment\nmetadata:\n  name: local\nspec:\n  type: local\n',
  });
  await repo.commit('env only');
  t.after(async () => {
    await repo.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  });
  const root = mkdtempSync(join(tmpdir(), 'boreas-pull-node-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'allowed'));
  writeFileSync(join(root, 'token'), 'pull-1-secret-token\n', { mode: 0o600 });

  // The controller knows node pull-1 by the same token file; the agent is given its URL.
  writeFileSync(
    join(tmp, 'boreas.yaml'),
    `repo: ${repo.dir}\npath: manifests\nstate: state.db\nlisten: 127.0.0.1:0\ninterval: 1h\nresync: 1h\nagentTokens:\n  pull-1: ${join(root, 'token')}\n`,
  );
  const controller = await startDaemon(resolveDaemonConfig({ config: join(tmp, 'boreas.yaml') }), silentLogger);
  t.after(() => controller.stop());
  const controllerUrl = `http://127.0.0.1:${controller.address.port}`;
  const pullAgent = await startAgent({
    config: resolveAgentConfig({
      listen: '127.0.0.1:0',
      nodeName: 'pull-1',
      tokenFile: join(root, 'token'),
      workDir: join(root, 'work'),
      allowedRoots: [join(root, 'allowed')],
      controllerUrl,
      pollWaitMs: 1000,
      nginxConfDir: join(root, 'nginx'),
    }),
    log: silentLogger,
  });
  t.after(() => pullAgent.close());

  const hub = controller.ctx.hub!;
  for (let i = 0; i < 50 && !hub.lastHeartbeat('pull-1'); i++) await new Promise((r) => setTimeout(r, 100));
  const hb = hub.lastHeartbeat('pull-1')!;
  assert.equal(hb.agentVersion, '0.1.0');
  assert.equal((hb.facts as { nginx: { confDir: string } }).nginx.confDir, join(root, 'nginx'));

  const path = join(root, 'allowed', 'app.conf');
  const task = { taskId: 'p-1', idempotencyKey: 'pk-1', type: 'ApplyConfigFiles' as const, payload: { files: [{ path, content: 'pulled\n' }] } };
  const result = await hub.dispatch('pull-1', task, 20_000);
  assert.equal(result.status, 'succeeded', JSON.stringify(result));
  assert.equal(result.outcome, 'created');
  assert.equal(readFileSync(path, 'utf8'), 'pulled\n');

  const replay = await hub.dispatch('pull-1', { ...task, taskId: 'p-2' }, 20_000);
  assert.equal(replay.replayed, true);

  // A task the agent's schemas refuse comes back failed with the field named, as push answers 400.
  const bad = await hub.dispatch(
    'pull-1',
    { taskId: 'p-3', type: 'ApplyConfigFiles', payload: { files: [{ path, content: 'x', colour: 'red' }] } } as never,
    20_000,
  );
  assert.equal(bad.status, 'failed');
  assert.equal(bad.errorMessage, 'task.payload.files[0]: unknown field "colour"');
});

test('pull mode through the agent target: observe and apply via the daemon queue; a silent node is offline', { timeout: 90_000 }, async (t) => {
  const tmp = mkdtempSync(join(tmpdir(), 'boreas-pull-'));
  const repo = await createGitRepo({
    'manifests/environment.yaml': 'apiVersion: boreas.dev/v1\nkind: Environment\nmetadata:\n  name: local\nspec:\n  type: local\n',
  });
  await repo.commit('env only');
  t.after(async () => {
    await repo.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  });
  writeFileSync(join(tmp, 'token'), 'pull-2-token\n', { mode: 0o600 });
  mkdirSync(join(tmp, 'allowed'));
  writeFileSync(
    join(tmp, 'boreas.yaml'),
    `repo: ${repo.dir}\npath: manifests\nstate: state.db\nlisten: 127.0.0.1:0\ninterval: 1h\nresync: 1h\nagentTokens:\n  pull-2: ${join(tmp, 'token')}\n`,
  );
  const controller = await startDaemon(resolveDaemonConfig({ config: join(tmp, 'boreas.yaml') }), silentLogger);
  t.after(() => controller.stop());
  const agent = await startAgent({
    config: resolveAgentConfig({
      listen: '127.0.0.1:0',
      nodeName: 'pull-2',
      tokenFile: join(tmp, 'token'),
      workDir: join(tmp, 'work'),
      allowedRoots: [join(tmp, 'allowed')],
      controllerUrl: `http://127.0.0.1:${controller.address.port}`,
      pollWaitMs: 500,
    }),
    log: silentLogger,
  });
  let closed = false;
  t.after(() => (closed ? undefined : agent.close()));
  // The controller knows the node once it polled.
  for (let i = 0; i < 100 && !controller.ctx.hub!.lastSeen('pull-2'); i++) await new Promise((r) => setTimeout(r, 50));
  const store = openSqliteStore(':memory:');
  const scope = testScope({ nodes: [testNode('pull-2')] });
  const factory = createAgentTargetFactory({ pull: controller.ctx.hub!, observeTimeoutMs: 3000, staleAfterMs: 60_000 });
  const target = await factory.create('agent:pull-2', testTargetContext({ store }), scope);
  const spec = { app: 'web', instance: 'web-0', path: join(tmp, 'allowed', 'web.conf'), mode: '0644', content: 'via pull\n' };
  const r: DesiredResource = {
    id: 'agent:pull-2/File/web.conf',
    target: 'agent:pull-2',
    kind: 'File',
    owner: 'web',
    environment: 'edge',
    name: 'web.conf',
    spec,
    hash: hashJson(spec),
    dependsOn: [],
  };

  assert.equal((await target.observe([r]))[0].state, 'absent');
  const applied = await target.apply({ key: 'pull-task-1', revision: 'r1', resourceId: r.id, target: r.target, action: 'create', resource: r, dependsOn: [] });
  assert.equal(applied.outcome, 'created');
  assert.equal(readFileSync(spec.path, 'utf8'), 'via pull\n');
  const [seen] = await target.observe([r]);
  assert.equal(seen.state, 'present');
  assert.equal(seen.appliedHash, r.hash);
  const probe = await target.probe();
  assert.equal(probe.reachable && probe.facts.nginx?.confDir, '/etc/nginx/conf.d', 'facts from the heartbeat');

  await agent.close();
  closed = true;
  const [silent] = await target.observe([r]);
  assert.equal(silent.state, 'unknown');
  assert.equal(silent.cause?.reason, 'unreachable');
  assert.equal(silent.health.status, 'Unknown');
  await assert.rejects(
    Promise.resolve(createAgentTargetFactory().create('agent:pull-2', testTargetContext({ store }), scope)),
    /has no spec.address and pull mode needs `boreas daemon`/,
  );
});
