// `boreas validate`'s stored outcome (src/engine/validate-outcome-cache.ts), through the real
// CLI: an unchanged working tree is answered from it, and every change a user can make (an edit
// keeping the size and even the modification time, a touch, an added or removed file, a commit)
// makes the next run validate the files again. To see which path answered, a test plants a marker
// warning in the stored outcome with a correct checksum: it shows only when the stored outcome is
// used. Tampered, truncated and group/world-readable files are never used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { createGitRepo, type GitRepo } from '../helpers/git-repo.js';

const ENV = 'apiVersion: boreas.dev/v1\nkind: Environment\nmetadata: {name: dev}\nspec: {type: local}\n';
const APP =
  'apiVersion: boreas.dev/v1\nkind: Application\nmetadata: {name: web}\nspec:\n  environment: dev\n  runtime: process\n  process: {command: /bin/web}\n  replicas: 2\n';
const MARKER = 'forged.yaml:1:1: warning: MARKER';

/** A committed repository whose files are dated an hour back (files written within the last seconds
 *  are never stored: they could change again without their stat changing). */
async function setup(t: { after(fn: () => Promise<void>): void }): Promise<{ repo: GitRepo; validate: () => Promise<{ code: number; stdout: string }> }> {
  const repo = await createGitRepo({ '.gitignore': '.boreas/\n', 'env.yaml': ENV, 'apps/app.yaml': APP });
  t.after(() => repo.cleanup());
  backdate(repo.dir, '.gitignore', 'env.yaml', 'apps/app.yaml');
  // An installation with state: validate keeps its caches there (it never creates the directory).
  mkdirSync(join(repo.dir, '.boreas'), { mode: 0o700 });
  const state = join(repo.dir, '.boreas', 'state.db');
  const validate = async () => {
    const r = await runCli(['validate', '--repo', repo.dir, '--state', state]);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    return r;
  };
  return { repo, validate };
}

function backdate(dir: string, ...files: string[]): void {
  const past = new Date(Date.now() - 3600_000);
  for (const f of files) utimesSync(join(dir, f), past, past);
}

function outcomeFile(repoDir: string): string {
  const dir = join(repoDir, '.boreas', 'cache', 'validate-outcome');
  const files = existsSync(dir) ? readdirSync(dir) : [];
  assert.equal(files.length, 1, `one stored outcome in ${dir}`);
  return join(dir, files[0]);
}

/** Adds the marker warning to the stored outcome and writes it back with a correct checksum (or,
 *  with `checksum: 'stale'`, keeps the old checksum, as a tampering that does not know it would). */
function plantMarker(repoDir: string, opts: { checksum?: 'stale' } = {}): void {
  const file = outcomeFile(repoDir);
  const text = readFileSync(file, 'utf8');
  const newline = text.indexOf('\n');
  const stored = JSON.parse(text.slice(newline + 1));
  stored.outcome.diagnostics.push({ file: 'forged.yaml', line: 1, col: 1, field: '', message: 'MARKER', severity: 'warning' });
  const body = JSON.stringify(stored);
  const sum = opts.checksum === 'stale' ? text.slice(0, newline) : createHash('sha256').update(body).digest('hex');
  writeFileSync(file, `${sum}\n${body}`);
}

test('files written within the last seconds are validated, never stored', async (t) => {
  const repo = await createGitRepo({ 'env.yaml': ENV, 'app.yaml': APP });
  t.after(() => repo.cleanup());
  mkdirSync(join(repo.dir, '.boreas'), { mode: 0o700 });
  const r = await runCli(['validate', '--repo', repo.dir, '--state', join(repo.dir, '.boreas', 'state.db')]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.ok(existsSync(join(repo.dir, '.boreas', 'cache')), 'the other caches are written');
  assert.equal(existsSync(join(repo.dir, '.boreas', 'cache', 'validate-outcome')), false);
});

test('an unchanged tree is answered from the stored outcome; an edit keeping the size and the mtime is seen', async (t) => {
  const { repo, validate } = await setup(t);
  assert.match((await validate()).stdout, /^valid: 2 manifest\(s\) in 2 file\(s\) at [0-9a-f]{12}\n$/);
  plantMarker(repo.dir);
  const served = await validate();
  assert.equal(served.code, 0);
  assert.ok(served.stdout.includes(MARKER), `the stored outcome answers: ${served.stdout}`);

  // Same size, same modification time (as a tool restoring timestamps would leave it): only the
  // change time tells, and it is enough.
  const path = join(repo.dir, 'apps', 'app.yaml');
  const before = statSync(path);
  writeFileSync(path, APP.replace('replicas: 2', 'replicas: x'));
  utimesSync(path, before.atime, before.mtime);
  assert.equal(statSync(path).size, before.size);
  const edited = await validate();
  assert.equal(edited.code, 1);
  assert.ok(!edited.stdout.includes('MARKER'), edited.stdout);
  assert.match(edited.stdout, /^apps\/app\.yaml:8:3: Application\/web: spec\.replicas: must be an integer/m);
  // The revision is no longer the commit: the files differ from it.
  assert.match(edited.stdout, /at worktree:[0-9a-f]{12}\n$/);
});

test('a touch, an added file and a removed file each make the next run validate again', async (t) => {
  const { repo, validate } = await setup(t);
  await validate();

  plantMarker(repo.dir);
  const touched = new Date(Date.now() - 7200_000);
  utimesSync(join(repo.dir, 'env.yaml'), touched, touched);
  assert.ok(!(await validate()).stdout.includes('MARKER'), 'touched: validated again');

  plantMarker(repo.dir);
  writeFileSync(join(repo.dir, 'apps', 'other.yaml'), APP.replace('name: web', 'name: api'));
  backdate(repo.dir, 'apps/other.yaml');
  const added = await validate();
  assert.ok(!added.stdout.includes('MARKER'), added.stdout);
  assert.match(added.stdout, /^valid: 3 manifest\(s\) in 3 file\(s\)/m);

  plantMarker(repo.dir);
  rmSync(join(repo.dir, 'apps', 'other.yaml'));
  const removed = await validate();
  assert.ok(!removed.stdout.includes('MARKER'), removed.stdout);
  assert.match(removed.stdout, /^valid: 2 manifest\(s\) in 2 file\(s\)/m);
});

test('a new commit changes the revision reported for the same files', async (t) => {
  const { repo, validate } = await setup(t);
  const first = await repo.revParse('HEAD');
  assert.ok((await validate()).stdout.includes(`at ${first.slice(0, 12)}`));
  const second = await repo.commit('nothing changed in the files');
  assert.ok((await validate()).stdout.includes(`at ${second.slice(0, 12)}`));
});

test('a commit through a symbolic ref that points at another ref changes the revision reported', async (t) => {
  const { repo, validate } = await setup(t);
  // HEAD -> refs/heads/alias -> refs/heads/main: a commit moves main, neither HEAD nor alias changes.
  await repo.git('symbolic-ref', 'refs/heads/alias', 'refs/heads/main');
  await repo.git('symbolic-ref', 'HEAD', 'refs/heads/alias');
  const first = await repo.revParse('HEAD');
  assert.ok((await validate()).stdout.includes(`at ${first.slice(0, 12)}`));
  plantMarker(repo.dir);
  assert.ok((await validate()).stdout.includes('MARKER'), 'the unchanged tree is answered from the stored outcome');
  const second = await repo.commit('nothing changed in the files');
  assert.notEqual(second, first);
  assert.equal(readFileSync(join(repo.dir, '.git', 'refs', 'heads', 'alias'), 'utf8').trim(), 'ref: refs/heads/main');
  const after = await validate();
  assert.ok(after.stdout.includes(`at ${second.slice(0, 12)}`), after.stdout);
  assert.ok(!after.stdout.includes('MARKER'));
});

test('a tampered, truncated or group-readable stored outcome is ignored', async (t) => {
  const { repo, validate } = await setup(t);
  await validate();
  const file = outcomeFile(repo.dir);

  plantMarker(repo.dir, { checksum: 'stale' });
  assert.ok(!(await validate()).stdout.includes('MARKER'), 'a body that does not match its checksum is not used');

  const whole = readFileSync(file, 'utf8');
  writeFileSync(file, whole.slice(0, whole.length - 20));
  const truncated = await validate();
  assert.equal(truncated.code, 0);
  assert.match(truncated.stdout, /^valid: 2 manifest\(s\)/);

  plantMarker(repo.dir);
  chmodSync(file, 0o644);
  assert.ok(!(await validate()).stdout.includes('MARKER'), 'a file others may read (or write) is not trusted');
  assert.equal(statSync(file).mode & 0o777, 0o600, 'and it is written again private');
});

test('a cache dir that cannot be written does not change the verdict: valid, exit 0, no stack trace', async (t) => {
  const { repo } = await setup(t);
  // A file where the outcome's directory should be (as a read-only or root-owned cache dir would be).
  mkdirSync(join(repo.dir, '.boreas', 'cache'), { mode: 0o700 });
  writeFileSync(join(repo.dir, '.boreas', 'cache', 'validate-outcome'), 'not a directory');
  for (let run = 0; run < 2; run++) {
    const r = await runCli(['validate', '--repo', repo.dir, '--state', join(repo.dir, '.boreas', 'state.db')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^valid: 2 manifest\(s\) in 2 file\(s\)/m);
    assert.doesNotMatch(r.stderr, /internal error|at .*\.js:\d+/);
  }
});
