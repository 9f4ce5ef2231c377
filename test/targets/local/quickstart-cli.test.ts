// The quickstart through the real CLI, as a user runs it: reconcile --once brings both apps up and
// exits while they keep running; a second run changes nothing; a killed process and an edited config
// file show in `plan` and are repaired; `down` removes everything. The quickstart is copied into a
// temp Git repo with its ports moved to free ones, so it never collides with a running quickstart.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { downLocal } from '../../../src/targets/local/index.js';
import { freePort, isAlive, onCleanup, tempDir, waitFor } from '../../runtime/helpers.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);

async function boreas(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), ...args], {
      cwd: repoRoot,
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const pidOf = (state: string, instance: string) =>
  (JSON.parse(readFileSync(join(state, 'local/instances', instance, 'state.json'), 'utf8')) as { pid: number }).pid;

test('quickstart via the CLI: converge, no-op, drift repair, down', async (t) => {
  const repo = tempDir(t, 'boreas-qs-repo-');
  const state = tempDir(t, 'boreas-qs-state-');
  onCleanup(t, () => downLocal(state));
  cpSync(join(repoRoot, 'examples/quickstart'), repo, { recursive: true });
  const webPort = await freePort();
  const backendPort = await freePort();
  for (const [file, from, to] of [
    ['web.yaml', 18080, webPort],
    ['backend.yaml', 18081, backendPort],
  ] as const) {
    const path = join(repo, file);
    writeFileSync(path, readFileSync(path, 'utf8').replace(`port: ${from}`, `port: ${to}`));
  }
  for (const args of [
    ['init', '-q', '-b', 'main'],
    ['add', '.'],
    ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'quickstart'],
  ])
    await run('git', args, { cwd: repo });
  const db = join(state, 'state.db');

  const first = await boreas(['reconcile', '--once', '--repo', repo, '--state', db]);
  assert.equal(first.code, 0, first.stdout + first.stderr);
  assert.match(first.stdout, /Converged/);
  // The CLI has exited; the apps keep answering.
  const body = (await (await fetch(`http://127.0.0.1:${webPort}/`)).json()) as { backendEndpoints: string[]; backend: { service: string } };
  assert.deepEqual(body.backendEndpoints, [`127.0.0.1:${backendPort}`]);
  assert.equal(body.backend.service, 'backend');

  const second = await boreas(['reconcile', '--once', '--repo', repo, '--state', db]);
  assert.equal(second.code, 0);
  assert.match(second.stdout, /No changes/);
  assert.match(second.stdout, /Tasks: 0 run/);

  // Drift: kill backend, edit web's rendered config.
  const backendPid = pidOf(state, 'backend-0');
  process.kill(backendPid, 'SIGKILL');
  await waitFor('backend gone', () => !isAlive(backendPid));
  const webConfig = join(state, 'local/instances/web-0/web.json');
  const rendered = readFileSync(webConfig, 'utf8');
  writeFileSync(webConfig, '{"edited": true}\n');
  const plan = await boreas(['plan', '--repo', repo, '--state', db]);
  assert.match(plan.stdout, new RegExp(`Instance backend-0 .*process exited \\(pid ${backendPid} not running\\)`));
  assert.match(plan.stdout, /File web-0:web\.json .*was edited on disk/);

  const repair = await boreas(['reconcile', '--once', '--repo', repo, '--state', db]);
  assert.equal(repair.code, 0, repair.stdout + repair.stderr);
  assert.equal(readFileSync(webConfig, 'utf8'), rendered);
  assert.notEqual(pidOf(state, 'backend-0'), backendPid);
  assert.equal(await (await fetch(`http://127.0.0.1:${backendPort}/healthz`)).text(), '{"status":"ok"}\n');

  const webPid = pidOf(state, 'web-0');
  const down = await boreas(['down', '--state', db]);
  assert.equal(down.code, 0, down.stdout + down.stderr);
  await waitFor('web stopped', () => !isAlive(webPid));
  assert.equal(existsSync(join(state, 'local/instances/web-0')), false);
});
