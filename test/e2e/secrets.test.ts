// Encrypted secrets in Git through the real CLI: an app on a local environment gets one value from an
// age file (written with `boreas secrets encrypt`) and one from a SOPS file (age recipients, built with
// the real age CLI); without the right identity the reconcile fails naming the files and starts
// nothing; key rotation restarts nothing; a new value restarts the app; and the plaintexts are found
// nowhere but in the app: not in the state directory, the caches, the logs or any output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ageKeygen, ageMissing } from '../helpers/age.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { createGitRepo } from '../helpers/git-repo.js';
import { environmentYaml, freePort, httpApp } from '../helpers/local-fleet.js';
import { sopsEncrypt } from '../helpers/sops.js';

/** Every file under `dir`, recursively. */
async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await allFiles(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** Asserts that no byte sequence in `needles` occurs in any file under `dirs` or in `outputs`. */
async function assertNowhere(needles: string[], dirs: string[], outputs: string[]): Promise<number> {
  let checked = 0;
  for (const dir of dirs)
    for (const file of await allFiles(dir)) {
      const bytes = await readFile(file);
      checked++;
      for (const n of needles) assert.equal(bytes.indexOf(Buffer.from(n)), -1, `${JSON.stringify(n)} found in ${file}`);
    }
  for (const [i, text] of outputs.entries()) for (const n of needles) assert.ok(!text.includes(n), `${JSON.stringify(n)} found in output #${i}: ${text}`);
  return checked;
}

function appYaml(port: number, startLog: string, env: Record<string, unknown>): string {
  return [
    'apiVersion: boreas.dev/v1',
    'kind: Application',
    'metadata: {name: api}',
    'spec:',
    '  environment: dev',
    '  runtime: process',
    `  process: {command: node, args: [${JSON.stringify(httpApp)}]}`,
    `  ports: [{name: http, port: ${port}}]`,
    '  health: {http: {port: http, path: /healthz}, intervalSeconds: 1, timeoutSeconds: 1}',
    `  env: ${JSON.stringify({ START_LOG: startLog, ...env })}`,
    '',
  ].join('\n');
}

test('age and SOPS values from the repo reach the app and nothing else; no identity, nothing starts', { skip: ageMissing }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'boreas-secrets-e2e-'));
  const stateDir = join(dir, 'state');
  const stateFile = join(stateDir, 'state.db');
  const startLog = join(dir, 'starts.log');
  const repo = await createGitRepo();
  const outputs: string[] = [];
  const cli = async (args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<CliResult> => {
    const r = await runCli([...args, ...(args[0] === 'secrets' ? [] : ['--state', stateFile])], {
      env: { BOREAS_LOG_LEVEL: 'debug', BOREAS_AGE_IDENTITY_FILE: '', ...opts.env },
      input: opts.input,
    });
    outputs.push(r.stdout, r.stderr);
    return r;
  };
  t.after(async () => {
    await runCli(['down', '--state', stateFile]).catch(() => undefined);
    await repo.cleanup();
    await rm(dir, { recursive: true, force: true });
  });
  const [key, other] = [await ageKeygen(dir, 'controller.txt'), await ageKeygen(dir, 'other.txt')];
  const port = await freePort();
  const agePlain = `age-plain-${randomBytes(8).toString('hex')}`;
  const sopsPlain = `sops-plain-${randomBytes(8).toString('hex')}`;
  const writeSecrets = async (ageValue: string, recipient: string) => {
    await mkdir(join(repo.dir, 'secrets'), { recursive: true });
    const enc = await cli(['secrets', 'encrypt', '--recipient', recipient, '--out', join(repo.dir, 'secrets/db.age')], { input: ageValue });
    assert.equal(enc.code, 0, enc.stderr);
    await writeFile(join(repo.dir, 'secrets/app.sops.yaml'), await sopsEncrypt({ db: { user: 'app', password: sopsPlain } }, [recipient]));
  };
  const env = {
    ECHO_ENV: 'AGE_VALUE,SOPS_VALUE',
    AGE_VALUE: { valueFrom: { age: 'secrets/db.age' } },
    SOPS_VALUE: { valueFrom: { sops: { file: 'secrets/app.sops.yaml', key: 'db.password' } } },
  };
  await writeSecrets(agePlain, key.recipient);
  await repo.write({ 'environment.yaml': environmentYaml(), 'apps/api.yaml': appYaml(port, startLog, env) });
  const rev1 = await repo.commit('api with encrypted secrets');
  const reconcile = (...extra: string[]) => cli(['reconcile', '--once', '--repo', repo.dir, '--timeout', '60s', ...extra]);
  const starts = async () => (await readFile(startLog, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
  const served = async () => (await (await fetch(`http://127.0.0.1:${port}/env`)).json()) as Record<string, string>;

  // validate needs no identity: it never decrypts.
  const valid = await cli(['validate', '--repo', repo.dir]);
  assert.equal(valid.code, 0, valid.stderr);

  // No identity: exit 1, both files named, nothing started.
  const none = await reconcile();
  assert.equal(none.code, 1, none.stdout + none.stderr);
  assert.match(none.stderr, /secrets\/db\.age: no age identity configured/);
  assert.match(none.stderr, /secrets\/app\.sops\.yaml: no age identity configured/);
  assert.match(none.stderr, /nothing was applied/);
  assert.doesNotMatch(none.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(await starts(), 0, 'nothing started');
  await assert.rejects(fetch(`http://127.0.0.1:${port}/env`));

  // The wrong identity: the recipients are named.
  const wrong = await reconcile('--age-identity-file', other.file);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, new RegExp(`secrets/db\\.age: no identity matches \\(recipients: ${other.recipient}\\)`));
  assert.match(wrong.stderr, new RegExp(`secrets/app\\.sops\\.yaml: no identity matches \\(recipients: ${key.recipient}\\)`));
  assert.equal(await starts(), 0, 'nothing started');

  // The controller's identity: the app gets both values.
  const ok = await reconcile('--age-identity-file', key.file);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.deepEqual(await served(), { AGE_VALUE: agePlain, SOPS_VALUE: sopsPlain });
  assert.equal(await starts(), 1);
  const recipients = await cli(['secrets', 'recipients'], { env: { BOREAS_AGE_IDENTITY_FILE: key.file } });
  assert.equal(recipients.stdout.trim(), key.recipient);
  assert.match((await reconcile('--age-identity-file', key.file)).stdout, /No changes/);

  // Rotation: the same plaintexts re-encrypted to a new key; only the new identity is given. No restart.
  const rotated = await ageKeygen(dir, 'rotated.txt');
  await writeSecrets(agePlain, rotated.recipient);
  await repo.commit('rotate the key');
  const afterRotation = await reconcile('--age-identity-file', rotated.file);
  assert.equal(afterRotation.code, 0, afterRotation.stdout + afterRotation.stderr);
  assert.match(afterRotation.stdout, /No changes/, 'same values: nothing to do');
  assert.equal(await starts(), 1, 'no restart on rotation');

  // A new value: plan says which secret changed (not the value); --base needs no identity.
  const agePlain2 = `age-plain-2-${randomBytes(8).toString('hex')}`;
  await writeSecrets(agePlain2, rotated.recipient);
  await repo.write({ 'apps/api.yaml': appYaml(port, startLog, { ...env, ALSO: { valueFrom: { age: 'secrets/db.age' } } }) });
  const rev3 = await repo.commit('new database password');
  const preview = await cli(['plan', '--repo', repo.dir, '--base', rev1, '--ref', rev3, '--output', 'markdown']);
  assert.equal(preview.code, 0, preview.stderr);
  assert.match(preview.stdout, /<encrypted: secrets\/db\.age>/);
  assert.match(preview.stdout, /secretDigests\.AGE_VALUE/);
  const plan = await cli(['plan', '--repo', repo.dir, '--detailed-exitcode'], { env: { BOREAS_AGE_IDENTITY_FILE: rotated.file } });
  assert.equal(plan.code, 2, plan.stderr);
  assert.match(plan.stdout, /secretDigests\.AGE_VALUE/);
  assert.doesNotMatch(plan.stdout, /secretDigests\.SOPS_VALUE/, 'the unchanged SOPS value is not a change');
  const changed = await reconcile('--age-identity-file', rotated.file);
  assert.equal(changed.code, 0, changed.stdout + changed.stderr);
  assert.equal((await served()).AGE_VALUE, agePlain2);
  assert.equal(await starts(), 2, 'restarted once for the new value');

  outputs.push((await cli(['status', '--output', 'json'])).stdout, (await cli(['history', 'api'])).stdout);
  // The plaintexts are nowhere but in the app: state file, WAL, state key dir, caches, instance logs, repo, outputs.
  const checked = await assertNowhere([agePlain, sopsPlain, agePlain2], [stateDir, repo.dir], outputs);
  assert.ok(checked > 5, `looked into ${checked} files`);
});

test('a NUL byte in a secret env value: one clear, unretried error; the value is nowhere', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'boreas-nul-e2e-'));
  const stateDir = join(dir, 'state');
  const stateFile = join(stateDir, 'state.db');
  const repo = await createGitRepo();
  t.after(async () => {
    await runCli(['down', '--state', stateFile]).catch(() => undefined);
    await repo.cleanup();
    await rm(dir, { recursive: true, force: true });
  });
  const secretFile = join(dir, 'token');
  await writeFile(secretFile, 'NULSECRET\0tail');
  const port = await freePort();
  await repo.write({
    'environment.yaml': environmentYaml(),
    'apps/api.yaml': appYaml(port, join(dir, 'starts.log'), { TOKEN: { valueFrom: { file: secretFile } } }),
  });
  await repo.commit('api with a NUL secret');
  const outputs: string[] = [];
  for (const output of ['text', 'json']) {
    const r = await runCli(['reconcile', '--once', '--repo', repo.dir, '--timeout', '60s', '--state', stateFile, '--output', output], {
      env: { BOREAS_LOG_LEVEL: 'debug' },
    });
    outputs.push(r.stdout, r.stderr);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /env TOKEN: secret value contains a NUL byte/);
    assert.doesNotMatch(r.stdout + r.stderr, /after \d+ attempts|retrying/, 'a deterministic error is not retried');
  }
  await assert.rejects(fetch(`http://127.0.0.1:${port}/`), 'the app never started');
  outputs.push((await runCli(['status', '--output', 'json', '--state', stateFile])).stdout);
  await assertNowhere(['NULSECRET', 'NULSECRET\0tail', 'NULSECRET\\x00tail', 'NULSECRET\\u0000tail'], [stateDir], outputs);
});
