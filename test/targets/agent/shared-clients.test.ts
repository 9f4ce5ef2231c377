// Agent clients shared across target registries (the daemon's, so a resync does not reconnect to
// every node): two registries in a row reach a real in-process agent over one TCP connection; a
// rotated token gets its own client (and the agent's verdict on it); a client no target holds is
// closed after the idle time, a held one never; closing the set closes the connections.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import type { PushNode } from '../../../src/targets/agent/transport.js';
import { createAgentTargetFactory } from '../../../src/targets/agent/index.js';
import { SharedAgentClients } from '../../../src/targets/agent/shared-clients.js';
import { inProcessAgent } from '../../helpers/agent.js';
import { testNode, testScope, testTargetContext } from '../../helpers/targets.js';

test('shared agent clients: one connection across registries, a new client per token, idle ones closed', async (t) => {
  const { agent, dirs, stop } = await inProcessAgent('shared-1');
  t.after(stop);
  let connections = 0;
  let open = 0;
  agent.server.on('connection', (socket) => {
    connections++;
    open++;
    socket.once('close', () => open--);
  });
  let now = 0;
  const clients = new SharedAgentClients<PushNode>(60_000, () => now);
  t.after(() => clients.close());
  const factory = createAgentTargetFactory({ clients, retries: 0 });
  const scope = testScope({ nodes: [testNode('shared-1', { address: agent.url.replace('http://', ''), tokenFrom: { file: dirs.tokenFile } })] });

  // Two "reconciles", each with its own target, closed at the end as a session closes its registry.
  for (let run = 0; run < 2; run++) {
    const target = await factory.create('agent:shared-1', testTargetContext(), scope);
    const probe = await target.probe();
    assert.equal(probe.reachable, true);
    assert.deepEqual(await target.observe([]), []);
    await target.close?.();
  }
  assert.equal(connections, 1, 'the second run reused the first run’s connection');
  assert.equal(clients.size, 1);

  // A rotated token (the agent still expects the old one) gets a client of its own, and its verdict.
  writeFileSync(dirs.tokenFile, 'rotated-token\n');
  const rotated = await factory.create('agent:shared-1', testTargetContext(), scope);
  const refused = await rotated.probe();
  assert.equal(!refused.reachable && refused.cause.reason, 'unauthorized');
  assert.equal(clients.size, 2);

  // Past the idle time, released clients are closed at the next acquire; a held one never is.
  now += 61_000;
  writeFileSync(dirs.tokenFile, `${dirs.token}\n`);
  const again = await factory.create('agent:shared-1', testTargetContext(), scope);
  assert.equal((await again.probe()).reachable, true);
  assert.equal(connections, 3, 'the first client was idle: closed, and a new connection made');
  assert.equal(clients.size, 2, 'the rotated-token client is held by a live target, so it stays');
  await Promise.all([again.close?.(), rotated.close?.()]);
  now += 30_000;
  await (await factory.create('agent:shared-1', testTargetContext(), scope)).close?.();
  assert.equal(clients.size, 2, 'released 30 s ago: not idle yet');
  now += 61_000;
  await (await factory.create('agent:shared-1', testTargetContext(), scope)).close?.();
  assert.equal(clients.size, 1, 'both idle past the idle time: closed, one new client');

  await clients.close();
  await waitUntil(() => open === 0);
  assert.equal(open, 0, 'closing the set closed every connection');
  await assert.rejects(async () => factory.create('agent:shared-1', testTargetContext(), scope), /closed/);
});

async function waitUntil(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
}
