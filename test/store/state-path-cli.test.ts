// A --state (or `init` directory) a new user gets wrong: a directory instead of the file, a path
// through a regular file, a place under /proc where no directory can be made. Each is one line naming
// the path, exit 2 (plan: 1), no stack trace, no "internal error" — and never a hang: Node's recursive
// mkdir spins forever under /proc, which made `reconcile --once --state /proc/x/state.db` burn a core
// until killed (SIGINT and SIGTERM included).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type CliResult, runCli } from '../helpers/cli.js';

const env = 'apiVersion: boreas.dev/v1\nkind: Environment\nmetadata: {name: local}\nspec: {type: local}\n';
// A mistake here hangs the command, so each run is cut short; a fixed one answers in well under a second.
const bounded = { timeoutMs: 30_000 };

function setup(t: { after(fn: () => void): void }): { dir: string; repo: string } {
  const dir = mkdtempSync(join(tmpdir(), 'boreas-state-path-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const repo = join(dir, 'repo');
  mkdirSync(repo);
  writeFileSync(join(repo, 'env.yaml'), env);
  return { dir, repo };
}

function oneLine(r: CliResult, line: string): void {
  assert.equal(r.stderr, `boreas: ${line}\n`, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, /internal error|\n\s+at /);
}

test('--state naming a directory: one line saying to name the file in it', async (t) => {
  const { dir, repo } = setup(t);
  const stateDir = join(dir, 'state');
  mkdirSync(stateDir);
  const line = `${stateDir}: a directory, not a state file (EISDIR); name the file in it, e.g. --state ${join(stateDir, 'state.db')}`;
  for (const [args, code] of [
    [['plan'], 1],
    [['reconcile', '--once'], 2],
    [['status'], 2],
  ] as const) {
    const r = await runCli([...args, '--repo', repo, '--state', stateDir], bounded);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    oneLine(r, line);
  }
});

test('--state under /proc: reconcile says the directory cannot be made there, at once', { skip: !existsSync('/proc/self') && 'no /proc' }, async (t) => {
  const { repo } = setup(t);
  const r = await runCli(['reconcile', '--once', '--repo', repo, '--state', '/proc/boreas-no-such-dir/state.db'], bounded);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  oneLine(r, '/proc/boreas-no-such-dir: cannot create a directory there (ENOENT): /proc takes no new directories; use another path');
});

test('init under /proc: one line, exit 2, at once', { skip: !existsSync('/proc/self') && 'no /proc' }, async () => {
  const r = await runCli(['init', '/proc/boreas-no-such-dir/fleet'], bounded);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  oneLine(r, '/proc/boreas-no-such-dir: cannot create a directory there (ENOENT): /proc takes no new directories; use another path');
});

test('--state through a regular file: reconcile and down name the path, no internal error', async (t) => {
  const { dir, repo } = setup(t);
  const file = join(dir, 'a-file');
  writeFileSync(file, 'not a directory\n');
  const rec = await runCli(['reconcile', '--once', '--repo', repo, '--state', join(file, 'state.db')], bounded);
  assert.equal(rec.code, 2, rec.stdout + rec.stderr);
  oneLine(rec, `${file}: not a directory (ENOTDIR): a file is in the way; use another path`);
  // No state file, so no records either: nothing to remove (it used to fail on the lock, ENOTDIR, as a bug).
  const down = await runCli(['down', '--repo', repo, '--state', join(file, 'state.db')], bounded);
  assert.equal(down.code, 0, down.stdout + down.stderr);
  assert.equal(down.stdout, 'Nothing to remove.\n');
  assert.doesNotMatch(down.stderr, /internal error|\n\s+at /);
});
