// PublishChallenge / RemoveChallenge through a real agent and a real nginx: the token lands in the
// node's own webroot and nginx serves it at /.well-known/acme-challenge/<token>; a token that is not
// base64url or a payload carrying a path is refused before anything is written. On the controller,
// an edge target's `challenges` capability sends those tasks to its node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { call, inProcessAgent } from '../helpers/agent.js';
import { freePort, nginxUnavailable, startNginx } from '../helpers/nginx.js';
import { createAgentTargetFactory } from '../../src/targets/agent/index.js';
import { testNode, testScope, testTargetContext } from '../helpers/targets.js';

const skip = nginxUnavailable();
const token = 'Xy_0-aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789ab';

test('challenge tasks write only into the node webroot, served by nginx', { skip }, async (t) => {
  const nginx = await startNginx();
  t.after(() => nginx.stop());
  const f = nginx.facts;
  const { agent, dirs, stop } = await inProcessAgent('edge', {
    nginxConfDir: f.confDir,
    nginxCertDir: f.certDir,
    nginxWebroot: f.webroot,
    nginxTestCommand: f.testCommand,
    nginxReloadCommand: f.reloadCommand,
    nginxHttpPort: f.httpPort,
  });
  t.after(stop);
  const task = (taskId: string, type: string, payload: object) => call(agent.url, dirs.token, 'POST', '/v1/tasks', { taskId, type, payload });
  const fetchToken = async (tok: string) => {
    const r = await request(`http://127.0.0.1:${f.httpPort}/.well-known/acme-challenge/${tok}`, { headers: { host: 'shop.boreas.test' } });
    return { status: r.statusCode, body: await r.body.text() };
  };

  const published = await task('p1', 'PublishChallenge', { token, content: `${token}.thumbprint` });
  assert.equal(published.json.status, 'succeeded', published.json.errorMessage);
  const file = join(f.webroot, '.well-known', 'acme-challenge', token);
  assert.equal(statSync(file).mode & 0o777, 0o644, 'readable by nginx workers');
  assert.deepEqual(await fetchToken(token), { status: 200, body: `${token}.thumbprint` });

  for (const bad of ['../../../tmp/evil', 'a/b', '.hidden', 'tok en', '']) {
    const r = await task(`bad-${bad}`, 'PublishChallenge', { token: bad, content: 'x' });
    assert.equal(r.status, 400, `token ${JSON.stringify(bad)} refused`);
    assert.match(r.json.error, /body\.payload\.token/);
  }
  const withPath = await task('bad-path', 'PublishChallenge', { token, content: 'x', path: '/etc/passwd' });
  assert.equal(withPath.status, 400);
  assert.match(withPath.json.error, /unknown field "path"/);
  assert.deepEqual(readdirSync(join(f.webroot, '.well-known', 'acme-challenge')), [token], 'nothing else written');

  const removed = await task('r1', 'RemoveChallenge', { token });
  assert.equal(removed.json.status, 'succeeded');
  assert.equal(existsSync(file), false);
  assert.equal((await fetchToken(token)).status, 404);
  assert.equal((await task('r2', 'RemoveChallenge', { token })).json.status, 'succeeded', 'removing twice is fine');
});

test('an edge target serves challenges through its agent; an unreachable edge says so', async (t) => {
  const webroot = mkdtempSync(join(tmpdir(), 'boreas-webroot-'));
  const { agent, dirs, stop } = await inProcessAgent('edge-a', { nginxWebroot: webroot });
  t.after(async () => (await stop(), rmSync(webroot, { recursive: true, force: true })));
  process.env.BOREAS_TEST_EDGE_A_TOKEN = dirs.token;
  const nodes = [
    testNode('edge-a', { address: agent.url.replace('http://', ''), tokenFrom: { env: 'BOREAS_TEST_EDGE_A_TOKEN' } }),
    testNode('edge-b', { address: `127.0.0.1:${await freePort()}`, tokenFrom: { env: 'BOREAS_TEST_EDGE_A_TOKEN' } }),
  ];
  const factory = createAgentTargetFactory({ retries: 0 });
  const up = await factory.create('agent:edge-a', testTargetContext(), testScope({ nodes }));
  const down = await factory.create('agent:edge-b', testTargetContext(), testScope({ nodes }));
  t.after(() => Promise.all([up.close?.(), down.close?.()]));

  await up.challenges!.publishChallenge(token, 'content');
  assert.equal(existsSync(join(webroot, '.well-known', 'acme-challenge', token)), true);
  await up.challenges!.removeChallenge(token);
  assert.equal(existsSync(join(webroot, '.well-known', 'acme-challenge', token)), false);
  await assert.rejects(down.challenges!.publishChallenge(token, 'content'), /node edge-b .* is unreachable/);
});
