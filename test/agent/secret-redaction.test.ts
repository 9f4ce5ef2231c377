// An agent is a process of its own: the secret values a task brings (env from `{valueFrom}`, a
// certificate's key) must be masked in what the agent writes, as the controller masks them in its
// process. An instance that prints its environment and exits at once fails its start with the
// stderr tail; that message reaches the agent's log, its task record (agent.db) and the answer,
// with the value masked in all three; the value itself reaches only the process (its own stderr.log).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { resolveAgentConfig } from '../../src/agent/config.js';
import { startAgent } from '../../src/agent/server.js';
import { createLogger } from '../../src/util/logger.js';
import { agentDirs, call } from '../helpers/agent.js';

test('agent: a start that fails with the secret in its stderr tail keeps it out of the log, the task record and the answer', async (t) => {
  const secret = `S3CR3T-${randomBytes(8).toString('hex')}`;
  const dirs = agentDirs('redact');
  let logged = '';
  const log = createLogger({
    level: 'debug',
    format: 'json',
    stream: new Writable({ write: (c, _e, done) => ((logged += c.toString()), done()) }),
  });
  const config = resolveAgentConfig({
    listen: '127.0.0.1:0',
    nodeName: 'redact',
    tokenFile: dirs.tokenFile,
    workDir: dirs.workDir,
    allowedRoots: [dirs.allowedRoot],
  });
  const agent = await startAgent({ config, log });
  t.after(async () => {
    await agent.close();
    dirs.cleanup();
  });
  const spec = {
    app: 'leaky',
    instance: 'leaky-0',
    ordinal: 0,
    node: 'redact',
    host: '127.0.0.1',
    version: 'v1',
    runtime: 'process',
    process: { command: 'sh', args: ['-c', 'echo "token is $API_TOKEN" >&2; exit 1'] },
    env: { API_TOKEN: { valueFrom: { env: 'API_TOKEN' } }, MODE: 'test' },
    ports: {},
    filesHash: '',
    state: 'Running',
  };
  const task = { taskId: 't-1', type: 'StartInstance', payload: { spec, specHash: 'h', env: { API_TOKEN: secret, MODE: 'test', PATH: process.env.PATH } } };
  const answer = (await call(agent.url, dirs.token, 'POST', '/v1/tasks', task)).json;

  assert.equal(answer.status, 'failed');
  assert.match(answer.errorMessage, /leaky-0 exited right after start \(code 1\); stderr:\ntoken is \*\*\* \(log: /);
  assert.match(logged, /token is \*\*\*/, 'the failure is logged, masked');
  assert.ok(!logged.includes(secret), `secret in the agent's log: ${logged}`);
  const replay = (await call(agent.url, dirs.token, 'POST', '/v1/tasks', task)).json;
  assert.ok(!JSON.stringify(replay).includes(secret), 'secret in a replayed answer');
  for (const f of readdirSync(dirs.workDir).filter((f) => f.startsWith('agent.db')))
    assert.equal(readFileSync(join(dirs.workDir, f)).indexOf(secret), -1, `secret in ${f}`);
  assert.match(readFileSync(join(dirs.workDir, 'instances', 'leaky-0', 'stderr.log'), 'utf8'), new RegExp(`token is ${secret}`), 'the process got the value');
});
