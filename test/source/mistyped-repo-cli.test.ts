// A mistyped --repo or --path, as a new user types it: the commands that create the state file
// (reconcile, daemon) say "repository not found" / "path not found", exit 2, and leave nothing behind:
// not the default <repo>/.boreas/state.db (whose directories would recreate the mistyped path and
// turn the next error into "no manifests found"), not an explicit --state.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'boreas-typo-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('reconcile --once with a missing --repo: exit 2, "repository not found", no directory created', async (t) => {
  const dir = tempDir(t);
  const missing = join(dir, 'exmaples', 'quickstart');
  for (const extra of [[], ['--dry-run']]) {
    const r = await runCli(['reconcile', '--once', '--repo', missing, ...extra], { cwd: dir });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.equal(r.stderr, `boreas: repository not found: ${missing}\n`);
    assert.equal(existsSync(join(dir, 'exmaples')), false, 'the mistyped path was not created');
  }
});

test('reconcile --once with a missing --path: exit 2, "path not found", no state written', async (t) => {
  const dir = tempDir(t);
  const repo = join(dir, 'repo');
  mkdirSync(repo);
  writeFileSync(join(repo, 'env.yaml'), 'apiVersion: boreas.dev/v1\nkind: Environment\nmetadata: {name: local}\nspec: {type: local}\n');
  const state = join(dir, 'state', 'state.db');
  const explicit = await runCli(['reconcile', '--once', '--repo', repo, '--path', 'manifest', '--state', state]);
  assert.equal(explicit.code, 2, explicit.stdout + explicit.stderr);
  assert.equal(explicit.stderr, `boreas: path not found: "manifest" is not a directory in ${repo}\n`);
  assert.equal(existsSync(join(dir, 'state')), false, 'no state directory');
  const byDefault = await runCli(['reconcile', '--once', '--repo', repo, '--path', 'manifest']);
  assert.equal(byDefault.code, 2, byDefault.stdout + byDefault.stderr);
  assert.equal(existsSync(join(repo, '.boreas')), false, 'no .boreas in the repository');
});

test('daemon with a missing --repo: exit 2 before it starts, no directory created', async (t) => {
  const dir = tempDir(t);
  const missing = join(dir, 'fleet');
  const r = await runCli(['daemon', '--repo', missing, '--listen', '127.0.0.1:0'], { cwd: dir, timeoutMs: 30_000 });
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, new RegExp(`repository not found: ${missing}$`, 'm'));
  assert.equal(existsSync(missing), false, 'the mistyped path was not created');
});
