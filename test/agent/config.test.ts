// Agent configuration as an operator writes it: agent.yaml keys, the v1 agent.yaml aliases,
// flags over the file, and clear errors for an unknown key or a missing token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { resolveAgentConfig } from '../../src/agent/config.js';
import { readAgentConfigFile } from '../../src/agent/config-file.js';
import { flagsToConfig } from '../../src/cli/commands/agent.js';

const dir = mkdtempSync(join(tmpdir(), 'boreas-agent-config-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('agent.yaml keys, v1 aliases, flags win over the file', () => {
  const file = join(dir, 'agent.yaml');
  writeFileSync(
    file,
    `server: {host: 127.0.0.1, port: 9091}
agent:
  id: pm-node-1
  work_dir: ${dir}/work
  docker: {socket_path: /run/docker-test.sock}
allowedRoots: [${dir}/etc]
systemctl: systemctl --user
nginxReloadCommand: [nginx, -s, reload, -p, /opt/nginx]
`,
  );
  const fromFile = readAgentConfigFile(file);
  const cfg = resolveAgentConfig(fromFile, flagsToConfig({ nodeName: 'node-1', allowedRoot: [`${dir}/srv`] }));
  assert.equal(cfg.listen, '127.0.0.1:9091');
  assert.equal(cfg.nodeName, 'node-1', 'the flag wins over agent.id');
  assert.equal(cfg.workDir, `${dir}/work`);
  assert.equal(cfg.dockerSocket, '/run/docker-test.sock');
  assert.deepEqual(cfg.allowedRoots, [`${dir}/srv`]);
  assert.deepEqual(cfg.systemctl, ['systemctl', '--user']);
  assert.deepEqual(cfg.nginxReloadCommand, ['nginx', '-s', 'reload', '-p', '/opt/nginx']);
  assert.deepEqual(cfg.nginxTestCommand, ['nginx', '-t'], 'default kept');
  assert.equal(cfg.nginxConfDir, '/etc/nginx/conf.d');
});

test('an unknown key or a bad value names the file and the key', () => {
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'listen: 127.0.0.1:1\nallowed_roots: [/etc]\n');
  assert.throws(() => readAgentConfigFile(file), { message: `${file}:2:1: unknown key "allowed_roots" (did you mean "allowedRoots"?)` });
  writeFileSync(file, 'nginxHttpPort: eighty\n');
  assert.throws(() => readAgentConfigFile(file), { message: `${file}:1:16: nginxHttpPort: must be integer` });
  assert.throws(() => resolveAgentConfig({ listen: 'localhost' }), /listen: invalid address "localhost"/);
});

test('`boreas agent` without a token file refuses to start with a clear message', () => {
  const res = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, '../../src/cli/agent-main.ts'), '--listen', '127.0.0.1:0', '--work-dir', join(dir, 'w')],
    { encoding: 'utf8', timeout: 60_000 },
  );
  assert.equal(res.status, 2);
  assert.equal(res.stderr.trim(), 'boreas agent: the agent needs a token: pass --token-file <file> (or tokenFile in agent.yaml)');
  const missing = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, '../../src/cli/agent-main.ts'), '--token-file', join(dir, 'nope'), '--work-dir', join(dir, 'w')],
    { encoding: 'utf8', timeout: 60_000 },
  );
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--token-file .*nope: no such file/);
});
