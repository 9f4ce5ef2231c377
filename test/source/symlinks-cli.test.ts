// A config repository's symlinks as `boreas validate`, `plan` and `reconcile` see them: a link
// leaving the repository (or into .git) is an error naming the file, exit 1, and what it points at
// is never read, printed or cached; links inside the repository keep working. Everything Boreas
// writes under .boreas/ is private (0600 files in 0700 directories).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { createGitRepo } from '../helpers/git-repo.js';

const canary = 'CANARY-outside-secret-7f3a';
const env = 'apiVersion: boreas.dev/v1\nkind: Environment\nmetadata: {name: dev}\nspec: {type: local}\n';

/** Every file and directory below `dir` with its permission bits. */
function modes(dir: string): Array<{ path: string; dir: boolean; mode: number }> {
  return (readdirSync(dir, { recursive: true }) as string[]).map((p) => {
    const st = statSync(join(dir, p));
    return { path: p, dir: st.isDirectory(), mode: st.mode & 0o777 };
  });
}

function allBytes(dir: string): string {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((p) => statSync(join(dir, p)).isFile())
    .map((p) => readFileSync(join(dir, p), 'latin1'))
    .join('\n');
}

test('symlinks leaving the repository are errors naming the file, never read; .boreas is private', { timeout: 120_000 }, async (t) => {
  const outside = mkdtempSync(join(tmpdir(), 'boreas-outside-'));
  t.after(() => rmSync(outside, { recursive: true, force: true }));
  writeFileSync(join(outside, 'shadow.yaml'), `root: ${canary}\nsecond: line\n`);
  const repo = await createGitRepo({ 'manifests/env.yaml': env, 'shared/web.yaml': env.replace('name: dev', 'name: web') });
  t.after(() => repo.cleanup());
  const m = join(repo.dir, 'manifests');
  symlinkSync(join(outside, 'shadow.yaml'), join(m, 'x.yaml'));
  symlinkSync('../.git/config', join(m, 'gitconfig.yaml'));
  symlinkSync('../shared/web.yaml', join(m, 'inside.yaml'));
  const state = join(repo.dir, '.boreas', 'state.db');
  const common = ['--repo', repo.dir, '--path', 'manifests', '--state', state];

  const expected = ['gitconfig.yaml:1:1: symlink into .git/, which is not repository content', 'x.yaml:1:1: symlink to a path outside the repository'];
  const validate = await runCli(['validate', ...common]);
  assert.equal(validate.code, 1, validate.stdout + validate.stderr);
  for (const line of expected) assert.ok(validate.stdout.includes(line), validate.stdout);
  const plan = await runCli(['plan', ...common]);
  assert.equal(plan.code, 1, plan.stdout + plan.stderr);
  for (const line of expected) assert.ok(plan.stderr.includes(line), plan.stderr);
  const reconcile = await runCli(['reconcile', '--once', ...common]);
  assert.equal(reconcile.code, 1, reconcile.stdout + reconcile.stderr);
  for (const line of expected) assert.ok(reconcile.stderr.includes(line), reconcile.stderr);
  const json = await runCli(['validate', ...common, '--output', 'json']);
  assert.deepEqual(
    JSON.parse(json.stdout).diagnostics.map((d: { file: string }) => d.file),
    ['gitconfig.yaml', 'x.yaml'],
  );

  for (const r of [validate, plan, reconcile, json]) {
    assert.ok(!(r.stdout + r.stderr).includes(canary), 'the target is never printed');
    assert.ok(!(r.stdout + r.stderr).includes('[core]'), '.git/config is never printed');
  }
  assert.ok(!allBytes(join(repo.dir, '.boreas')).includes(canary), 'nor cached or stored');

  // Without the escaping links the repository is valid, the link inside it included.
  unlinkSync(join(m, 'x.yaml'));
  unlinkSync(join(m, 'gitconfig.yaml'));
  const ok = await runCli(['validate', ...common]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /valid: 2 manifest\(s\) in 2 file\(s\)/, 'the link inside the repository was read');
  const planned = await runCli(['plan', ...common]);
  assert.equal(planned.code, 0, planned.stdout + planned.stderr);

  // --path itself may not lead out of the repository.
  symlinkSync(outside, join(repo.dir, 'elsewhere'));
  const away = await runCli(['validate', '--repo', repo.dir, '--path', 'elsewhere', '--state', state]);
  assert.equal(away.code, 2);
  assert.match(away.stderr, /path "elsewhere": symlink to a path outside the repository/);

  // .boreas: directories 0700, files 0600 (state file, parse/revision/stat caches; the daemon test
  // checks WAL/SHM, which exist only while a process has the state open).
  const listed = modes(join(repo.dir, '.boreas'));
  assert.equal(statSync(join(repo.dir, '.boreas')).mode & 0o777, 0o700);
  for (const name of ['state.db', 'cache/manifests-parse.v8'])
    assert.ok(
      listed.some((e) => e.path === name),
      `${name} exists: ${listed.map((e) => e.path).join(', ')}`,
    );
  assert.ok(listed.some((e) => e.path.startsWith('cache/revisions/')));
  for (const e of listed) assert.equal(e.mode, e.dir ? 0o700 : 0o600, `${e.path} has mode ${e.mode.toString(8)}`);
});

test('a symlinked manifests directory inside the repository keeps working', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'boreas-linkdir-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'real'));
  writeFileSync(join(dir, 'real', 'env.yaml'), env);
  symlinkSync('real', join(dir, 'manifests'));
  const r = await runCli(['validate', '--repo', dir, '--path', 'manifests', '--state', join(dir, '.boreas', 'state.db')]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
});
