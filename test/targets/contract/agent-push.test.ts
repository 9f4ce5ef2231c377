// The target contract against a node agent over HTTP: `boreas agent` as its own process on 127.0.0.1,
// reached with its bearer token; an agent that is not there (a closed port) is Unknown/unreachable,
// one with a wrong token Unknown/unauthorized.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createAgentTargetFactory } from '../../../src/targets/agent/index.js';
import { AgentProcess, agentDirs } from '../../helpers/agent.js';
import { freePort } from '../../helpers/ports.js';
import { testNode, testScope, testTargetContext } from '../../helpers/targets.js';
import { machineSamples } from './machine-samples.js';
import { targetContract } from './suite.js';

targetContract('agent (push)', async (t) => {
  const dirs = agentDirs('push-1');
  const agent = new AgentProcess('push-1', dirs);
  t.after(async () => {
    await agent.stop('SIGKILL');
    dirs.cleanup();
  });
  const url = await agent.start();
  const nodes = [
    testNode('push-1', { address: url.replace('http://', ''), tokenFrom: { file: dirs.tokenFile } }),
    testNode('gone', { address: `127.0.0.1:${await freePort()}`, tokenFrom: { file: dirs.tokenFile } }),
  ];
  const factory = createAgentTargetFactory({ retries: 0, backoffMs: 10 });
  const target = await factory.create('agent:push-1', testTargetContext(), testScope({ nodes }));
  const gone = await factory.create('agent:gone', testTargetContext(), testScope({ nodes }));
  t.after(() => Promise.all([target.close?.(), gone.close?.()]));
  const samples = await machineSamples(t, { target: 'agent:push-1', node: 'push-1', filesDir: dirs.allowedRoot, workDir: dirs.workDir });
  return { target, samples, unreachable: { target: gone, reasons: ['unreachable'] } };
});

test('agent (push): a wrong token is Unknown/unauthorized, and the token never appears in the message', async (t) => {
  const dirs = agentDirs('push-2');
  const agent = new AgentProcess('push-2', dirs);
  t.after(async () => {
    await agent.stop('SIGKILL');
    dirs.cleanup();
  });
  const url = await agent.start();
  process.env.BOREAS_TEST_WRONG_TOKEN = 'not-the-token';
  t.after(() => {
    delete process.env.BOREAS_TEST_WRONG_TOKEN;
  });
  const node = testNode('push-2', { address: url.replace('http://', ''), tokenFrom: { env: 'BOREAS_TEST_WRONG_TOKEN' } });
  const target = await createAgentTargetFactory().create('agent:push-2', testTargetContext(), testScope({ nodes: [node] }));
  t.after(() => target.close?.());
  const probe = await target.probe();
  assert.equal(probe.reachable, false);
  assert.equal(!probe.reachable && probe.cause.reason, 'unauthorized');
  const [o] = await target.observe([
    (await machineSamples(t, { target: 'agent:push-2', node: 'push-2', filesDir: dirs.allowedRoot, workDir: dirs.workDir }))[0].v1,
  ]);
  assert.equal(o.state, 'unknown');
  assert.equal(o.cause?.message, "node push-2: unauthorized (401): the agent rejected the token of the Node's tokenFrom");
  assert.equal(JSON.stringify(o).includes('not-the-token'), false);
});
