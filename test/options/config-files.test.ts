// Config files as an operator writes them: the shipped JSON Schemas (what an editor checks) accept
// the documented examples and refuse what the daemon and agent refuse; a bad agent.yaml stops
// `boreas agent` with file:line:col for every problem; the age identity falls back flag → file → env.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { resolveDaemonConfig } from '../../src/daemon/config.js';
import { packageRoot } from '../../src/util/paths.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'boreas-options-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const shipped = (name: string) =>
  new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(join(packageRoot, 'schemas/config', name), 'utf8')));

/** The YAML written by `cat > /etc/boreas/<file> <<'YAML' … YAML` in systemd/README.md. */
function documentedExample(file: string): unknown {
  const readme = readFileSync(join(packageRoot, 'systemd/README.md'), 'utf8');
  const m = new RegExp(`cat > /etc/boreas/${file.replace('.', '\\.')} <<'YAML'\\n([\\s\\S]*?)\\nYAML`).exec(readme);
  assert.ok(m, `systemd/README.md shows a ${file}`);
  return parse(m[1]);
}

test('the shipped config schemas accept the documented examples and refuse unknown keys and wrong types', () => {
  const daemon = shipped('daemon-config.schema.json');
  const agent = shipped('agent-config.schema.json');
  assert.ok(daemon(documentedExample('boreas.yaml')), JSON.stringify(daemon.errors));
  assert.ok(agent(documentedExample('agent.yaml')), JSON.stringify(agent.errors));
  assert.ok(
    agent({
      server: { host: '127.0.0.1', port: 9091 },
      agent: { id: 'pm-1', work_dir: '/srv/a', docker: { socket_path: '/run/d.sock' } },
      log: { level: 'warn' },
    }),
  );
  for (const [validate, bad] of [
    [daemon, { resynk: '5m' }],
    [daemon, { interval: 'soon' }],
    [daemon, { concurrency: '4' }],
    [daemon, { agentTokens: { Node_1: 'x' } }],
    [agent, { allowed_roots: ['/srv'] }],
    [agent, { nginxHttpPort: 'eighty' }],
    [agent, { runtimes: ['process', 'vm'] }],
    [agent, { server: { port: 'eighty' } }],
  ] as const)
    assert.equal(validate(bad), false, `refused: ${JSON.stringify(bad)}`);
});

test('boreas agent --config with a bad agent.yaml: exit 2, every problem as file:line:col: key: message, nothing started', async () => {
  const file = join(dir, 'agent.yaml');
  writeFileSync(
    file,
    ['listen: 127.0.0.1:0', 'allowed_roots: [/srv]', 'nginxHttpPort: eighty', 'server: {port: eighty}', 'runtimes: [process, vm]', ''].join('\n'),
  );
  const res = await runCli(['agent', '--config', file, '--token-file', join(dir, 'no-token')], { timeoutMs: 60_000 });
  assert.equal(res.code, 2, res.stderr);
  assert.equal(res.stdout, '', 'no "listening" line: nothing started');
  const lines = res.stderr
    .trim()
    .replace(/^boreas: /, '')
    .split('\n');
  assert.deepEqual(lines, [
    `${file}:2:1: unknown key "allowed_roots" (did you mean "allowedRoots"?)`,
    `${file}:3:16: nginxHttpPort: must be integer`,
    `${file}:4:16: server.port: must be integer`,
    `${file}:5:21: runtimes.1: must be one of "process", "script", "container", "systemd"`,
  ]);
});

test('daemon: the age identity comes from the flag, else boreas.yaml, else $BOREAS_AGE_IDENTITY_FILE', () => {
  const cwd = join(dir, 'daemon');
  const env = { BOREAS_AGE_IDENTITY_FILE: `${dir}/env-1.key:relative-env.key` };
  const noFile = resolveDaemonConfig({}, dir, env);
  assert.deepEqual(noFile.ageIdentityFiles, [`${dir}/env-1.key`, join(dir, 'relative-env.key')], 'env, relative to the working directory');
  writeFileSync(join(dir, 'with-key.yaml'), 'ageIdentityFile: keys/file.key\n');
  const fromFile = resolveDaemonConfig({ config: join(dir, 'with-key.yaml') }, cwd, env);
  assert.deepEqual(fromFile.ageIdentityFiles, [join(dir, 'keys/file.key')], 'the file wins over env, relative to the file');
  const fromFlag = resolveDaemonConfig({ config: join(dir, 'with-key.yaml'), ageIdentityFile: ['a.key', '/abs/b.key'] }, cwd, env);
  assert.deepEqual(fromFlag.ageIdentityFiles, [join(cwd, 'a.key'), '/abs/b.key'], 'flags win, relative to the working directory');
  assert.deepEqual(resolveDaemonConfig({}, dir, {}).ageIdentityFiles, []);
});
