// `boreas validate` and `boreas init` as a user runs them: the full example is valid, the json output
// carries every diagnostic field, init writes a template that validates, usage errors exit 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/util/paths.js';
import { runCli } from '../helpers/cli.js';
import { createGitRepo } from '../helpers/git-repo.js';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'boreas-validate-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('the full example using every kind validates', async (t) => {
  const dir = tempDir(t);
  const r = await runCli(['validate', '--repo', join(packageRoot, 'examples', 'full'), '--state', join(dir, 'state.db')]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^valid: 26 manifest\(s\) in 10 file\(s\) at \S+\n$/, 'valid, and no warnings either');
});

test('json output: valid flag, revision and every field of each diagnostic', async (t) => {
  const dir = tempDir(t);
  const repo = join(dir, 'repo');
  mkdirSync(repo);
  writeFileSync(join(repo, 'env.yaml'), 'apiVersion: boreas.dev/v1\nkind: Environment\nmetadata: {name: dev}\nspec: {type: local}\n');
  writeFileSync(
    join(repo, 'app.yaml'),
    'apiVersion: boreas.dev/v1\nkind: Application\nmetadata: {name: web}\nspec:\n  environment: prod\n  runtime: process\n  process: {command: /bin/web}\n  replicas: -1\n',
  );
  const r = await runCli(['validate', '--repo', repo, '--state', join(dir, 'state.db'), '--output', 'json']);
  assert.equal(r.code, 1, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.valid, false);
  assert.match(out.revision, /^worktree:[0-9a-f]{40}$/);
  assert.deepEqual(out.diagnostics, [
    { file: 'app.yaml', line: 8, col: 3, manifest: 'Application/web', field: 'spec.replicas', message: 'must be >= 0 (got -1)', severity: 'error' },
  ]);
  // The schema-invalid Application is not checked further, so "prod" shows up once it is fixed.
  writeFileSync(
    join(repo, 'app.yaml'),
    'apiVersion: boreas.dev/v1\nkind: Application\nmetadata: {name: web}\nspec:\n  environment: prod\n  runtime: process\n  process: {command: /bin/web}\n',
  );
  const again = JSON.parse((await runCli(['validate', '--repo', repo, '--state', join(dir, 'state.db'), '--output', 'json'])).stdout);
  assert.deepEqual(
    again.diagnostics.map((d: { line: number; field: string; message: string }) => [d.line, d.field, d.message]),
    [[5, 'spec.environment', 'Environment "prod" not found']],
  );
});

test('init writes a starter repository that validates, and refuses a non-empty directory', async (t) => {
  const dir = tempDir(t);
  const target = join(dir, 'my-config');
  const init = await runCli(['init', target]);
  assert.equal(init.code, 0, init.stderr);
  assert.match(init.stdout, /Next steps:/);
  assert.ok(existsSync(join(target, 'environment.yaml')));
  const v = await runCli(['validate', '--repo', target, '--state', join(dir, 'state.db')]);
  assert.equal(v.code, 0, v.stdout + v.stderr);
  assert.match(v.stdout, /^valid: 2 manifest\(s\)/m);

  const again = await runCli(['init', target]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /is not empty/);
});

test('a missing repository is a usage error (exit 2) without a stack trace', async (t) => {
  const dir = tempDir(t);
  const r = await runCli(['validate', '--repo', join(dir, 'nope'), '--state', join(dir, 'state.db')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /repository not found/);
  assert.doesNotMatch(r.stderr, /^\s+at /m);
});

test('--help explains validate and init', async () => {
  const v = await runCli(['validate', '--help']);
  assert.equal(v.code, 0);
  assert.match(v.stdout, /file:line:col: Kind\/name: field\.path: message/);
  assert.match(v.stdout, /--output <format>/);
  const i = await runCli(['init', '--help']);
  assert.match(i.stdout, /Scaffold a config repository/);
});

test('--ref validates a committed revision and reports its commit SHA; an unknown ref exits 2', async (t) => {
  const dir = tempDir(t);
  const repo = await createGitRepo({
    'env.yaml': 'apiVersion: boreas.dev/v1\nkind: Environment\nmetadata: {name: dev}\nspec: {type: local}\n',
  });
  t.after(() => repo.cleanup());
  const sha = await repo.commit('env');
  // The working tree is broken afterwards; --ref reads the commit, not the files on disk.
  await repo.write({ 'env.yaml': 'kind: [\n' });
  const r = await runCli(['validate', '--repo', repo.dir, '--ref', 'main', '--state', join(dir, 'state.db'), '--output', 'json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { valid: true, revision: sha, diagnostics: [], stats: { files: 1, parsed: 1, cached: 0 } });
  const missing = await runCli(['validate', '--repo', repo.dir, '--ref', 'no-such-branch', '--state', join(dir, 'state.db')]);
  assert.equal(missing.code, 2, missing.stdout + missing.stderr);
  assert.match(missing.stderr, /no-such-branch/);
});

test('one unclosed { is one error per document, not a cascade; other documents still report theirs', async (t) => {
  const dir = tempDir(t);
  const repo = join(dir, 'repo');
  mkdirSync(repo);
  const app = readFileSync(join(packageRoot, 'examples', 'quickstart', 'web.yaml'), 'utf8');
  assert.ok(app.includes('labels: {tier: frontend}'));
  // The parser reports ~100 errors after this `{`; the user has one thing to fix.
  writeFileSync(join(repo, 'web.yaml'), app.replace('labels: {tier: frontend}', 'labels: {tier: frontend} {'));
  writeFileSync(
    join(repo, 'more.yaml'),
    'kind: A\nmetadata: {name: a\n---\nkind: B\nx: [1, 2\n---\napiVersion: boreas.dev/v1\nkind: Environment\nmetadata: {name: dev}\nspec: {type: local}\n',
  );
  const r = await runCli(['validate', '--repo', repo, '--state', join(dir, 'state.db')]);
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), [
    'more.yaml:3:1: YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }',
    'more.yaml:6:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
    'web.yaml:7:28: YAML syntax error: Unexpected flow-map-start at node end',
    `invalid: 3 error(s) in 2 file(s) at ${r.stdout.match(/at (worktree:\S+)/)?.[1]}`,
  ]);
});

test('an unused Certificate is a warning with file:line:col; validate still exits 0', async (t) => {
  const dir = tempDir(t);
  const repo = join(dir, 'repo');
  mkdirSync(repo);
  writeFileSync(
    join(repo, 'certs.yaml'),
    '# TLS\napiVersion: boreas.dev/v1\nkind: Certificate\nmetadata:\n  name: spare\nspec:\n  domains: [spare.example.test]\n  issuer: {selfSigned: {}}\n',
  );
  const r = await runCli(['validate', '--repo', repo, '--state', join(dir, 'state.db')]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(
    r.stdout.split('\n')[0],
    'certs.yaml:5:3: Certificate/spare: metadata.name: warning: Certificate "spare" is used by no Ingress (spec.tls.certificate), so it is neither issued nor deployed',
  );
  assert.match(r.stdout, /^valid: 1 manifest\(s\) in 1 file\(s\) at \S+, 1 warning\(s\)$/m);
  const json = JSON.parse((await runCli(['validate', '--repo', repo, '--state', join(dir, 'state.db'), '--output', 'json'])).stdout);
  assert.equal(json.valid, true);
  assert.deepEqual(
    json.diagnostics.map((d: { severity: string; line: number; col: number }) => [d.severity, d.line, d.col]),
    [['warning', 5, 3]],
  );
});

test('without --state the parse cache is the repository’s .boreas/cache once it exists, never the current directory', async (t) => {
  const dir = tempDir(t);
  const repo = join(dir, 'repo');
  const elsewhere = join(dir, 'elsewhere');
  mkdirSync(repo);
  mkdirSync(elsewhere);
  writeFileSync(join(repo, 'env.yaml'), 'apiVersion: boreas.dev/v1\nkind: Environment\nmetadata: {name: dev}\nspec: {type: local}\n');
  // validate writes no state, so it creates no .boreas (a scratch cache is used and removed)...
  const first = await runCli(['validate', '--repo', repo], { cwd: elsewhere });
  assert.equal(first.code, 0, first.stdout + first.stderr);
  assert.ok(!existsSync(join(repo, '.boreas')), 'validate creates no .boreas');
  // ...but once the state directory exists (a reconcile made it), the parse cache lives there.
  mkdirSync(join(repo, '.boreas'));
  for (let run = 0; run < 2; run++) {
    const r = await runCli(['validate', '--repo', repo], { cwd: elsewhere });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^valid: 1 manifest\(s\) in 1 file\(s\)/, 'the cache file is not taken for a manifest');
  }
  assert.ok(existsSync(join(repo, '.boreas', 'cache', 'manifests-parse.v8')), 'cache in the repository');
  assert.ok(!existsSync(join(elsewhere, '.boreas')), 'nothing written where the command ran');
});
