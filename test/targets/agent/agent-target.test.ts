// The controller side of the agent target against real agents: observe in one request per node,
// tasks mapped from resource kinds, secrets resolved on the controller and delivered only in the
// request, an unreachable node reported as offline, a wrong token as a clear error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAgentTargetFactory } from '../../../src/targets/agent/index.js';
import type { TargetContext } from '../../../src/targets/target.js';
import type { DesiredResource } from '../../../src/model/resource.js';
import type { Task } from '../../../src/model/plan.js';
import { openSqliteStore } from '../../../src/store/sqlite/index.js';
import { resolveSecret } from '../../../src/secrets/index.js';
import { hashJson, sha256 } from '../../../src/util/hash.js';
import { silentLogger } from '../../../src/util/logger.js';
import { AgentProcess, agentDirs } from '../../helpers/agent.js';

function ctxWith(store = openSqliteStore(':memory:')): TargetContext {
  return { store, log: silentLogger, stateDir: '/nonexistent', repoDir: '/nonexistent', resolveSecret };
}

function resource(kind: DesiredResource['kind'], name: string, spec: object): DesiredResource {
  return {
    id: `agent:n1/${kind}/${name}`,
    target: 'agent:n1',
    kind,
    owner: 'web',
    environment: 'edge',
    name,
    spec: spec as DesiredResource['spec'],
    hash: hashJson(spec),
    dependsOn: [],
  };
}

const task = (r: DesiredResource, action: Task['action'], n: number): Task => ({
  key: sha256(`${r.id}:${action}:${n}`),
  revision: 'rev1',
  resourceId: r.id,
  target: r.target,
  action,
  resource: r,
  dependsOn: [],
});

test('observe, apply and delete Instance and File resources on a real agent', async (t) => {
  const dirs = agentDirs('n1');
  const agent = new AgentProcess('n1', dirs);
  t.after(async () => {
    await agent.stop('SIGKILL');
    dirs.cleanup();
  });
  const url = await agent.start();
  process.env.BOREAS_TEST_WEB_SECRET = 'pa55-from-controller';
  const ctx = ctxWith();
  const factory = createAgentTargetFactory(
    (node) => (node === 'n1' ? { address: url.replace('http://', ''), tokenFrom: { file: dirs.tokenFile } } : undefined),
    { backoffMs: 20 },
  );
  const target = await factory.create('agent:n1', ctx);
  t.after(() => target.close?.());

  const file = resource('File', 'web-0:/conf', {
    app: 'web',
    instance: 'web-0',
    path: join(dirs.allowedRoot, 'web.conf'),
    mode: '0640',
    content: 'port: 18080\n',
  });
  const inst = resource('Instance', 'web-0', {
    app: 'web',
    instance: 'web-0',
    ordinal: 0,
    node: 'n1',
    host: '127.0.0.1',
    version: 'v1',
    runtime: 'process',
    process: { command: process.execPath, args: ['-e', 'console.log("secret=" + process.env.DB_PASSWORD); setInterval(() => {}, 1000)'] },
    env: { DB_PASSWORD: { valueFrom: { env: 'BOREAS_TEST_WEB_SECRET' } } },
    ports: {},
    filesHash: '',
    state: 'Running',
    health: { process: {}, intervalSeconds: 1, timeoutSeconds: 1, initialDelaySeconds: 0, failureThreshold: 1 },
  });

  const before = await target.observe([file, inst]);
  assert.deepEqual(
    before.map((o) => o.exists),
    [false, false],
  );

  assert.equal((await target.apply(task(file, 'create', 1))).outcome, 'created');
  const started = await target.apply(task(inst, 'create', 1));
  assert.equal(started.outcome, 'created');
  assert.equal(started.details?.node, 'n1');

  const after = await target.observe([file, inst]);
  assert.deepEqual(
    after.map((o) => [o.exists, o.appliedHash, o.health.status]),
    [
      [true, file.hash, 'Healthy'],
      [true, inst.hash, 'Healthy'],
    ],
  );
  assert.equal(readFileSync(join(dirs.allowedRoot, 'web.conf'), 'utf8'), 'port: 18080\n');
  assert.deepEqual(await target.health(inst), after[1].health);
  await new Promise((r) => setTimeout(r, 300));
  assert.match(readFileSync(after[1].details!.stdoutLog as string, 'utf8'), /secret=pa55-from-controller/);

  assert.equal((await target.apply(task(inst, 'delete', 2))).outcome, 'deleted');
  assert.equal((await target.apply(task(file, 'delete', 2))).outcome, 'deleted');
  const gone = await target.observe([file, inst]);
  assert.deepEqual(
    gone.map((o) => o.exists),
    [false, false],
  );

  // A refused task is a final failure with the agent's reason (not a retryable throw).
  const evil = resource('File', 'web-0:/etc', { app: 'web', instance: 'web-0', path: '/etc/boreas-evil.conf', mode: '0644', content: 'x' });
  const refused = await target.apply(task(evil, 'create', 3));
  assert.equal(refused.outcome, 'failed');
  assert.match(refused.message!, /node n1: path \/etc\/boreas-evil\.conf .*outside the allowed roots/);

  // The agent goes away: observe marks the node offline instead of failing the reconcile.
  await agent.stop('SIGKILL');
  const offline = await target.observe([file, inst]);
  for (const o of offline) {
    assert.equal(o.health.status, 'Unknown');
    assert.equal(o.health.level, 0);
    assert.equal(o.details?.offline, true);
    assert.match(o.health.message!, /node n1 is offline/);
  }
  assert.deepEqual(JSON.parse(ctx.store.getKv('nodes', 'offline')!), ['n1']);
  await assert.rejects(target.apply(task(file, 'create', 4)), /node n1 .* is unreachable: ECONNREFUSED after 3 attempt/);

  // Back on a new port? No: same address is what a Node manifest has; restart and re-create the target.
  const url2 = await agent.start();
  const again = await createAgentTargetFactory(() => ({ address: url2.replace('http://', ''), tokenFrom: { file: dirs.tokenFile } })).create('agent:n1', ctx);
  t.after(() => again.close?.());
  await again.observe([file]);
  assert.deepEqual(JSON.parse(ctx.store.getKv('nodes', 'offline')!), []);
});

test('a wrong token is reported as such, without the token in the message', async (t) => {
  const dirs = agentDirs('n2');
  const agent = new AgentProcess('n2', dirs);
  t.after(async () => {
    await agent.stop('SIGKILL');
    dirs.cleanup();
  });
  const url = await agent.start();
  process.env.BOREAS_TEST_WRONG_TOKEN = 'not-the-token';
  const target = await createAgentTargetFactory(() => ({ address: url.replace('http://', ''), tokenFrom: { env: 'BOREAS_TEST_WRONG_TOKEN' } })).create(
    'agent:n2',
    ctxWith(),
  );
  t.after(() => target.close?.());
  const r = resource('File', 'x', { app: 'web', instance: 'web-0', path: join(dirs.allowedRoot, 'x'), mode: '0644', content: '' });
  await assert.rejects(target.observe([r]), (err: Error) => {
    assert.match(err.message, /node n2: \/v1\/observe answered 401: agent rejected the token/);
    assert.equal(err.message.includes('not-the-token'), false);
    return true;
  });
  await assert.rejects(Promise.resolve(createAgentTargetFactory(() => undefined).create('agent:ghost', ctxWith())), /no Node manifest named "ghost"/);
});

test('refreshNodeLiveness: one health probe per node updates nodes/offline before planning', async (t) => {
  const dirs = agentDirs('n3');
  const agent = new AgentProcess('n3', dirs);
  t.after(async () => {
    await agent.stop('SIGKILL');
    dirs.cleanup();
  });
  const url = await agent.start();
  const store = openSqliteStore(':memory:');
  store.setKv('nodes', 'offline', JSON.stringify(['n3', 'gone']));
  const { refreshNodeLiveness } = await import('../../../src/targets/agent/index.js');
  const offline = await refreshNodeLiveness(
    store,
    [{ name: 'n3', address: url.replace('http://', '') }, { name: 'gone', address: '127.0.0.1:1' }, { name: 'pull-only' }],
    1000,
  );
  assert.deepEqual(offline, ['gone']);
  assert.deepEqual(JSON.parse(store.getKv('nodes', 'offline')!), ['gone']);
});
