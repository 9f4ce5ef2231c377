// `boreas init` as a new user meets it: the "Next steps" it prints are run verbatim in a shell (with
// `boreas` on PATH), the result is committed with `git add .` and nothing of .boreas/ gets in, the
// scaffolded server answers on 127.0.0.1 only, and each manifest's yaml-language-server line points
// at a schema shipped beside it that validates that manifest with no other file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parseAllDocuments } from 'yaml';
import { runCli, writeCliShim } from '../helpers/cli.js';
import { gitEnv } from '../helpers/git-repo.js';
import { freePort } from '../helpers/ports.js';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'boreas-init-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The commands under "Next steps:", as printed (comments dropped). */
function nextSteps(stdout: string): string[] {
  const lines = stdout.split('\n');
  return lines
    .slice(lines.indexOf('Next steps:') + 1)
    .filter((l) => l.startsWith('  '))
    .map((l) => l.replace(/\s+#.*$/, '').trim());
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const s = connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      done(true);
    });
    s.once('error', () => done(false));
  });
}

test('init, then its Next steps verbatim: committed without .boreas/, served on 127.0.0.1 only, stopped', async (t) => {
  const dir = tempDir(t);
  const bin = join(dir, 'bin');
  writeCliShim(bin);
  const init = await runCli(['init', 'site'], { cwd: dir });
  assert.equal(init.code, 0, init.stderr);
  const site = join(dir, 'site');
  assert.equal(
    readFileSync(join(site, '.gitignore'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .join('\n'),
    '.boreas/',
  );
  const steps = nextSteps(init.stdout);
  assert.deepEqual(steps, [
    'cd site',
    'git init && git add . && git commit -m "boreas config"',
    'boreas validate',
    'boreas plan',
    'boreas reconcile --once',
    'curl http://127.0.0.1:18090/',
    'boreas down',
  ]);

  // The template's port is fixed; tests pick their own, so the one number is swapped everywhere.
  const port = await freePort();
  const hello = join(site, 'hello.yaml');
  writeFileSync(hello, readFileSync(hello, 'utf8').replaceAll('18090', String(port)));
  const script = steps.map((s) => s.replaceAll('18090', String(port)));
  // Everything up to the curl, then look at the running server from outside, then the rest.
  const curlAt = script.findIndex((s) => s.startsWith('curl '));
  const env = { ...gitEnv, PATH: `${bin}:${process.env.PATH}`, NO_COLOR: '1' };
  const sh = (lines: string[]) => spawnSync('sh', ['-e', '-c', lines.join('\n')], { cwd: dir, env, encoding: 'utf8', timeout: 240_000 });
  t.after(() => void sh(['cd site', 'boreas down']));

  const first = sh(script.slice(0, curlAt + 1));
  assert.equal(first.status, 0, `${first.stdout}\n${first.stderr}`);
  assert.match(first.stdout, /valid: 2 manifest\(s\)/);
  assert.match(first.stdout, /hello from boreas\n$/, 'the curl step got the greeting');

  // Bound to loopback only: the same port on this machine's other addresses refuses.
  assert.equal(await canConnect('127.0.0.1', port), true);
  const others = Object.values(networkInterfaces())
    .flat()
    .filter((i) => i && !i.internal && i.family === 'IPv4')
    .map((i) => i!.address);
  for (const address of others) assert.equal(await canConnect(address, port), false, `reachable on ${address}`);
  if (others.length === 0) t.diagnostic('no non-loopback IPv4 address here: the 127.0.0.1-only check had nothing to compare with');

  // Reconcile wrote its state and logs under .boreas/; none of it is (or can be) committed.
  assert.ok(existsSync(join(site, '.boreas', 'state.db')));
  const git = (...args: string[]) => spawnSync('git', args, { cwd: site, env, encoding: 'utf8' }).stdout;
  assert.deepEqual(git('ls-files').trim().split('\n').sort(), [
    '.gitignore',
    'README.md',
    'environment.yaml',
    'hello.yaml',
    ...readdirSync(join(site, 'schemas'))
      .sort()
      .map((f) => `schemas/${f}`),
  ]);
  assert.equal(git('status', '--porcelain'), '', 'git add . after a reconcile adds nothing');
  assert.match(git('status', '--porcelain', '--ignored'), /^!! \.boreas\/$/m);

  const rest = sh(['cd site', ...script.slice(curlAt + 1)]);
  assert.equal(rest.status, 0, rest.stderr);
  assert.equal(await canConnect('127.0.0.1', port), false, 'down stopped it');
});

test("each template manifest's yaml-language-server line names a self-contained schema that validates it", async (t) => {
  const dir = tempDir(t);
  const site = join(dir, 'site');
  assert.equal((await runCli(['init', site])).code, 0);
  const manifests = readdirSync(site).filter((f) => f.endsWith('.yaml'));
  assert.deepEqual(manifests.sort(), ['environment.yaml', 'hello.yaml']);
  for (const file of manifests) {
    const text = readFileSync(join(site, file), 'utf8');
    const m = /^# yaml-language-server: \$schema=(\S+)\n/.exec(text);
    assert.ok(m, `${file} starts with the modeline`);
    // Relative to the manifest, as the language server reads it; no URL, so it works offline.
    const schemaPath = resolve(dirname(join(site, file)), m[1]);
    assert.ok(existsSync(schemaPath), `${file}: ${m[1]} exists`);
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
    assert.equal(JSON.stringify(schema).includes('common.schema.json'), false, 'no reference to another file');
    // Compiled alone: every $ref resolves inside the file.
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    const doc = parseAllDocuments(text)[0].toJS();
    assert.equal(schema.title, doc.kind);
    assert.equal(validate(doc), true, `${file}: ${JSON.stringify(validate.errors)}`);
    assert.equal(validate({ ...doc, spec: { ...doc.spec, bogusField: 1 } }), false, 'an unknown field is flagged');
    assert.equal(validate({ ...doc, metadata: { name: 'Not_A_DNS_Label' } }), false, 'a shared definition (metadata) is enforced');
  }
  assert.deepEqual(readdirSync(join(site, 'schemas')).sort(), [
    'application.schema.json',
    'certificate.schema.json',
    'environment.schema.json',
    'ingress.schema.json',
    'node.schema.json',
    'release.schema.json',
  ]);
});

test('init refuses a non-empty directory; --update-schemas refreshes only the schemas', async (t) => {
  const dir = tempDir(t);
  const site = join(dir, 'site');
  assert.equal((await runCli(['init', site])).code, 0);
  const again = await runCli(['init', site]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /is not empty/);
  writeFileSync(join(site, 'hello.yaml'), '# mine\n');
  rmSync(join(site, 'schemas', 'node.schema.json'));
  writeFileSync(join(site, 'schemas', 'stale.schema.json'), '{}');
  const update = await runCli(['init', '--update-schemas', site]);
  assert.equal(update.code, 0, update.stderr);
  assert.match(update.stdout, /^Wrote 6 schemas to .*schemas\/\n$/);
  assert.equal(readFileSync(join(site, 'hello.yaml'), 'utf8'), '# mine\n', 'manifests untouched');
  assert.ok(existsSync(join(site, 'schemas', 'node.schema.json')));
  assert.ok(!existsSync(join(site, 'schemas', 'stale.schema.json')));
});
