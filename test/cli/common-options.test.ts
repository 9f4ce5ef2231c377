// The common options as a user meets them: commands that write no state create nothing where they
// run (a directory listing before and after), the state follows --repo so status/history/down find it
// from any directory, and an explicit --state wins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { createGitRepo } from '../helpers/git-repo.js';
import { appYaml, environmentYaml, freePort } from '../helpers/local-fleet.js';

/** Every path under `dir` with its size and mtime: any file or directory created, removed or written shows. */
function listing(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const s = statSync(p);
      out.push(`${relative(dir, p)} ${s.isDirectory() ? 'dir' : `${s.size} ${s.mtimeMs}`}`);
      if (s.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

async function fixture(t: { after(fn: () => Promise<void> | void): void }) {
  const scratch = mkdtempSync(join(tmpdir(), 'boreas-common-'));
  const elsewhere = join(scratch, 'elsewhere');
  const port = await freePort(1);
  const repo = await createGitRepo({
    'environment.yaml': environmentYaml(),
    'apps/api.yaml': appYaml({ name: 'api', port }, join(scratch, 'starts.log')),
  });
  await repo.commit('api');
  t.after(async () => {
    await runCli(['down', '--repo', repo.dir]);
    await repo.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  });
  return { repo, scratch, elsewhere, port };
}

test('validate, plan, status, history, --help, --dry-run, down, rollback without state and a database --state create nothing', async (t) => {
  const { repo, scratch } = await fixture(t);
  const before = { repo: listing(repo.dir), scratch: listing(scratch) };
  const fromRepo = (args: string[]) => runCli(args, { cwd: repo.dir });
  const fromElsewhere = (args: string[]) => runCli([...args, '--repo', repo.dir], { cwd: scratch });
  for (const [run, args, code] of [
    [fromRepo, ['validate'], 0],
    [fromRepo, ['plan', '--output', 'json', '--no-color'], 0],
    [fromRepo, ['status', '--no-color'], 0],
    [fromRepo, ['history', 'api', '--output', 'json'], 1],
    [fromRepo, ['--help'], 0],
    [fromRepo, ['status', '--help'], 0],
    [fromRepo, ['reconcile', '--once', '--dry-run'], 0],
    [fromRepo, ['down', '--output', 'json'], 0],
    [fromRepo, ['rollback', 'api'], 1],
    [fromElsewhere, ['validate', '--output', 'json'], 0],
    [fromElsewhere, ['plan'], 0],
    [fromElsewhere, ['status', '--output', 'json'], 0],
    [fromElsewhere, ['history', 'api'], 1],
    [fromElsewhere, ['down'], 0],
  ] as const) {
    const res = await run([...args]);
    assert.equal(res.code, code, `${args.join(' ')}: ${res.stderr}`);
    assert.doesNotMatch(res.stderr, /unknown option|internal error/, args.join(' '));
  }
  // A database URL is a database, not a path: nothing named `postgresql:` is created (local files of
  // a database state go to $BOREAS_DATA_DIR), and an unreachable server is one clean line (exit 2)
  // that never shows the password.
  const dataDir = mkdtempSync(join(tmpdir(), 'boreas-data-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const url = await runCli(['reconcile', '--once', '--state', 'postgresql://boreas:hunter2@127.0.0.1:1/boreas'], {
    cwd: repo.dir,
    env: { BOREAS_DATA_DIR: dataDir },
  });
  assert.equal(url.code, 2, url.stderr);
  assert.doesNotMatch(url.stderr, /hunter2|internal error/);
  assert.deepEqual({ repo: listing(repo.dir), scratch: listing(scratch) }, before, 'nothing was created or written');
  assert.equal(JSON.parse((await fromRepo(['down', '--output', 'json'])).stdout).total, 0);
});

test('the state follows --repo: status, history and down find it from any directory; --state wins', async (t) => {
  const { repo, scratch, elsewhere, port } = await fixture(t);
  const reconcile = await runCli(['reconcile', '--once', '--repo', repo.dir, '--timeout', '60s'], { cwd: scratch });
  assert.equal(reconcile.code, 0, reconcile.stderr);
  assert.ok(existsSync(join(repo.dir, '.boreas', 'state.db')), 'default state: <repo>/.boreas/state.db');
  assert.ok(!existsSync(join(scratch, '.boreas')), 'not in the working directory');

  const elsewhereDir = mkdtempSync(`${elsewhere}-`);
  const status = await runCli(['status', 'api', '--repo', repo.dir, '--output', 'json'], { cwd: elsewhereDir });
  assert.equal(status.code, 0, status.stderr);
  assert.equal(JSON.parse(status.stdout).name, 'api');
  const history = await runCli(['history', 'api', '--repo', repo.dir], { cwd: elsewhereDir });
  assert.equal(history.code, 0, history.stderr);
  assert.match(history.stdout, /succeeded/);
  const other = await runCli(['status', '--repo', repo.dir, '--state', join(scratch, 'other', 'state.db')], { cwd: elsewhereDir });
  assert.match(other.stdout, /No applications applied yet/, 'an explicit --state wins over <repo>/.boreas');
  assert.ok(!existsSync(join(scratch, 'other')), 'and status did not create it');

  assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
  const down = await runCli(['down', '--repo', repo.dir, '--output', 'json'], { cwd: elsewhereDir });
  assert.equal(down.code, 0, down.stderr);
  const result = JSON.parse(down.stdout);
  assert.ok(result.removed.includes('local/Instance/api-0'), down.stdout);
  assert.deepEqual(result.failed, []);
  await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`), 'the instance is stopped');
  assert.deepEqual(readdirSync(elsewhereDir), [], 'nothing was written where the commands ran');
});
