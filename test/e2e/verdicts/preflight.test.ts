// Issue repro 4, through the real CLI: input that is schema-shaped but cannot run is refused before the
// first side effect. `validate` names every problem as file:line:col: Kind/name: field: message (huge
// replicas, ports clashing per machine including replica slots, env names, NUL bytes, an oversized
// command line); `plan` and `reconcile` refuse the same revision and start nothing, not even its valid
// applications. Secrets that cannot be resolved or used (an unset variable, /dev/zero, a value too big
// for exec) fail the revision in the preflight: one error, no retry, no config file written.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../helpers/cli.js';
import { createGitRepo } from '../../helpers/git-repo.js';
import { environmentYaml, freePort, httpApp } from '../../helpers/local-fleet.js';

/** A process application of the test server; `extra` is appended to its spec (YAML lines, indented 2). */
function app(name: string, port: number, extra: string[] = [], startLog = '/dev/null'): string {
  return [
    'apiVersion: boreas.dev/v1',
    'kind: Application',
    `metadata: {name: ${name}}`,
    'spec:',
    '  environment: dev',
    '  runtime: process',
    `  process: {command: node, args: [${JSON.stringify(httpApp)}]}`,
    `  ports: [{name: http, port: ${port}}]`,
    '  health: {http: {port: http, path: /healthz}, intervalSeconds: 1, timeoutSeconds: 1}',
    ...extra.map((l) => `  ${l}`),
    `  env: {START_LOG: ${JSON.stringify(startLog)}}`,
    '',
  ].join('\n');
}

const noStack = (out: string) => assert.doesNotMatch(out, /internal error|RangeError|^\s+at .+:\d+:\d+\)?$/m, 'no stack trace');

/** Files named `name` anywhere under `dir`. */
function findFiles(dir: string, name: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => p === name || p.endsWith(`/${name}`));
}

test('repro 4: validate reports what cannot run; plan and reconcile refuse it and start nothing', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'boreas-preflight-'));
  const repo = await createGitRepo();
  const state = join(dir, 'state', 'state.db');
  t.after(async () => {
    await runCli(['down', '--state', state]);
    await repo.cleanup();
    await rm(dir, { recursive: true, force: true });
  });
  const p = await freePort(16);
  const startLog = join(dir, 'starts.log');
  const bigArgs = JSON.stringify(Array.from({ length: 3000 }, () => 'x'.repeat(1000))); // 3 MB: spawn E2BIG
  await repo.write({
    'environment.yaml': environmentYaml(),
    'ok.yaml': app('ok', p + 15, [], startLog),
    'huge.yaml': app('huge', p + 14, ['replicas: 1e300']),
    'billion.yaml': app('billion', p + 13, ['replicas: 1000000000']),
    'same-a.yaml': app('same-a', p),
    'same-b.yaml': app('same-b', p),
    'slots-a.yaml': app('slots-a', p + 2, ['replicas: 3']),
    'slots-b.yaml': app('slots-b', p + 4),
    'env-key.yaml': app('env-key', p + 8, ['env: {"A=B": x}']).replace(/ {2}env: \{START_LOG.*\n/, ''),
    'env-nul.yaml': app('env-nul', p + 9, ['env: {TOKEN: "a\\0b"}']).replace(/ {2}env: \{START_LOG.*\n/, ''),
    'args.yaml': app('args', p + 10).replace(/args: \[[^\]]*\]/, `args: ${bigArgs}`),
    'arg-nul.yaml': app('arg-nul', p + 11).replace(/args: \[([^\]]*)\]/, 'args: [$1, "--name=a\\0b"]'),
  });
  await repo.commit('apps that cannot run');

  const v = await runCli(['validate', '--repo', repo.dir, '--state', state]);
  assert.equal(v.code, 1, v.stdout + v.stderr);
  noStack(v.stdout + v.stderr);
  const expected: [string, RegExp][] = [
    ['huge.yaml', /^huge\.yaml:\d+:\d+: Application\/huge: spec\.replicas: must be <= 10000 \(got 1e\+300\)$/m],
    ['billion.yaml', /^billion\.yaml:\d+:\d+: Application\/billion: spec\.replicas: must be <= 10000 \(got 1000000000\)$/m],
    [
      'same-b.yaml',
      new RegExp(
        `^same-b\\.yaml:8:\\d+: Application/same-b: spec\\.ports\\[name=http\\]\\.port: port "http" ${p} overlaps port "http" ${p} of Application/same-a on this machine \\(same-a\\.yaml:1\\)`,
        'm',
      ),
    ],
    [
      'slots-b.yaml',
      new RegExp(
        `^slots-b\\.yaml:8:\\d+: Application/slots-b: spec\\.ports\\[name=http\\]\\.port: port "http" ${p + 4} overlaps port "http" ${p + 2}-${p + 4} \\(3 instances per machine\\) of Application/slots-a`,
        'm',
      ),
    ],
    ['env-key.yaml', /^env-key\.yaml:\d+:\d+: Application\/env-key: spec\.env\.A=B: environment variable name "A=B" must match/m],
    ['env-nul.yaml', /^env-nul\.yaml:\d+:\d+: Application\/env-nul: spec\.env\.TOKEN: value contains a NUL byte/m],
    ['args.yaml', /^args\.yaml:7:\d+: Application\/args: spec\.process\.args: command line and environment take 2\.9 MiB .*at most 128 KiB/m],
    ['arg-nul.yaml', /^arg-nul\.yaml:7:\d+: Application\/arg-nul: spec\.process\.args\[1\]: value contains a NUL byte/m],
  ];
  for (const [file, re] of expected) assert.match(v.stdout, re, `${file} in:\n${v.stdout.slice(0, 4000)}`);
  assert.doesNotMatch(v.stdout, /^ok\.yaml|^slots-a\.yaml|^same-a\.yaml/m, 'the first of two clashing manifests and valid ones are not blamed');

  for (const args of [['plan'], ['reconcile', '--once', '--timeout', '30s']]) {
    const r = await runCli([...args, '--repo', repo.dir, '--state', state]);
    assert.equal(r.code, 1, `${args[0]}: ${r.stdout}${r.stderr}`);
    noStack(r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /Application\/huge: spec\.replicas: must be <= 10000/);
  }
  assert.equal(existsSync(startLog), false, 'not even the valid application started');
  await assert.rejects(fetch(`http://127.0.0.1:${p + 15}/`));
});

test('repro 4: secrets that cannot be resolved or used fail the revision before anything is applied, without retries', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'boreas-preflight-secrets-'));
  const repo = await createGitRepo();
  const stateDir = join(dir, 'state');
  const state = join(stateDir, 'state.db');
  t.after(async () => {
    await runCli(['down', '--state', state]);
    await repo.cleanup();
    await rm(dir, { recursive: true, force: true });
  });
  const p = await freePort(4);
  const startLog = join(dir, 'starts.log');
  const bigSecret = join(dir, 'big-token');
  const withSecret = (name: string, port: number, source: string) =>
    app(name, port, [], startLog)
      .replace(/ {2}env: \{START_LOG: (.*)\}\n/, `  env: {START_LOG: $1, TOKEN: {valueFrom: ${source}}}\n`)
      .concat('  files: [{path: app.conf, content: "written only when the revision can start"}]\n');
  await repo.write({
    'environment.yaml': environmentYaml(),
    'ok.yaml': app('ok', p + 3, [], startLog),
    'unset.yaml': withSecret('unset', p, '{env: BOREAS_TEST_UNSET_TOKEN}'),
    'zero.yaml': withSecret('zero', p + 1, '{file: /dev/zero}'),
    'big.yaml': withSecret('big', p + 2, `{file: ${JSON.stringify(bigSecret)}}`),
  });
  await repo.commit('secrets that cannot be used');
  await writeFile(bigSecret, randomBytes(150 * 1024).toString('base64')); // 200 KiB: under the 1 MiB file limit, over what exec takes
  const secret = await readFile(bigSecret, 'utf8');
  const env = { BOREAS_TEST_UNSET_TOKEN: undefined };

  assert.equal((await runCli(['validate', '--repo', repo.dir, '--state', state], { env })).code, 0, 'Git alone holds nothing wrong');
  for (const args of [['plan'], ['reconcile', '--once', '--timeout', '60s']]) {
    const r = await runCli([...args, '--repo', repo.dir, '--state', state], { env });
    const out = r.stdout + r.stderr;
    assert.equal(r.code, 1, `${args[0]}: ${out}`);
    noStack(out);
    assert.match(out, /3 secret values cannot be resolved or used; nothing was applied/);
    assert.match(out, /secret from environment variable BOREAS_TEST_UNSET_TOKEN is not set \(used by Application\/unset spec\.env\.TOKEN\.valueFrom\)/);
    assert.match(out, /secret file \/dev\/zero is not a regular file \(used by Application\/zero spec\.env\.TOKEN\.valueFrom\)/);
    assert.match(out, /command line and environment take 200\.\d KiB .* with its secret values resolved \(used by Application\/big spec\.process\.args\)/);
    assert.doesNotMatch(out, /retrying|after \d+ attempts/, 'deterministic: never retried');
    assert.ok(!out.includes(secret.slice(0, 40)), 'the value is never printed');
  }
  assert.deepEqual(findFiles(stateDir, 'app.conf'), [], 'no config file was written');
  assert.equal(existsSync(startLog), false, 'nothing started');
});
