// PublishChallenge / RemoveChallenge through a real agent and a real nginx: the token lands in the
// node's own webroot and nginx serves it at /.well-known/acme-challenge/<token>; a token that is not
// base64url or a payload carrying a path is refused before anything is written. The controller's
// agentChallengePublisher publishes on every reachable node and fails only when none took the token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { call, inProcessAgent } from '../helpers/agent.js';
import { freePort, nginxUnavailable, startNginx } from '../helpers/nginx.js';
import { AgentClient } from '../../src/targets/agent/client.js';
import { agentChallengePublisher, type AgentTaskSender } from '../../src/targets/agent/challenges.js';
import type { Logger } from '../../src/util/logger.js';

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

test('agentChallengePublisher: every reachable node gets the token; none reachable is an error', async (t) => {
  const webroot = mkdtempSync(join(tmpdir(), 'boreas-webroot-'));
  const { agent, dirs, stop } = await inProcessAgent('edge-a', { nginxWebroot: webroot });
  t.after(async () => (await stop(), rmSync(webroot, { recursive: true, force: true })));
  const up = new AgentClient('edge-a', agent.url, dirs.token, { retries: 0 });
  const down = new AgentClient('edge-b', `http://127.0.0.1:${await freePort()}`, 'x', { retries: 0 });
  t.after(() => Promise.all([up.close(), down.close()]));
  const clients: Record<string, AgentClient> = { 'edge-a': up, 'edge-b': down };
  const send: AgentTaskSender = (node, task) => clients[node].post('/v1/tasks', task);
  const warnings: string[] = [];
  const log = {
    warn: (msg: string, fields?: Record<string, unknown>) => warnings.push(`${msg} ${JSON.stringify(fields)}`),
    info() {},
    debug() {},
    error() {},
    child() {
      return log;
    },
  } as unknown as Logger;

  await agentChallengePublisher(['edge-a', 'edge-b'], send, log).publishChallenge(token, 'content');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /edge-b/);
  assert.equal(existsSync(join(webroot, '.well-known', 'acme-challenge', token)), true);
  await agentChallengePublisher(['edge-a'], send, log).removeChallenge(token);
  assert.equal(existsSync(join(webroot, '.well-known', 'acme-challenge', token)), false);
  await assert.rejects(agentChallengePublisher(['edge-b'], send, log).publishChallenge(token, 'content'), /could not be published on any edge node \(edge-b: /);
});
