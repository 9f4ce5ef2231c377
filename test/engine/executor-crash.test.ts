// kill -9 in the middle of an execution, then a rerun on the same state file: everything converges
// and no task that had succeeded before the kill repeats its side effect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteStore } from '../../src/store/index.js';
import { tempDir } from '../store/fixtures.js';

const child = fileURLToPath(new URL('./crash-child.ts', import.meta.url));

/** Runs the child; with killAfter, sends SIGKILL once that many tasks have finished. */
function runChild(args: string[], killAfter?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (killAfter !== undefined && (stdout.match(/^finished /gm) ?? []).length >= killAfter) p.kill('SIGKILL');
    });
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

test('kill -9 mid-run, then rerun: all tasks succeed and no succeeded task repeats its side effect', async (t) => {
  const dir = tempDir(t, 'boreas-crash-');
  const stateFile = join(dir, 'state', 'state.db');
  const logFile = join(dir, 'side-effects.log');

  const first = await runChild([stateFile, logFile], 4);
  assert.equal(first.signal, 'SIGKILL', `child should be killed mid-run; stdout: ${first.stdout} stderr: ${first.stderr}`);

  const store = openSqliteStore(stateFile);
  const before = await store.listTasks({});
  await store.close();
  const succeededBefore = before.filter((r) => r.state === 'succeeded').map((r) => r.key);
  assert.ok(succeededBefore.length >= 4, `at least 4 succeeded before the kill, got ${succeededBefore.length}`);
  assert.ok(succeededBefore.length < 12, 'the kill happened before the end');
  const linesAtKill = readFileSync(logFile, 'utf8').trim().split('\n');

  const second = await runChild([stateFile, logFile]);
  assert.equal(second.code, 0, second.stderr);
  const summary = JSON.parse(second.stdout.match(/^summary (.*)$/m)![1]) as { succeeded: number; skipped: number; failed: number };
  assert.equal(summary.skipped, succeededBefore.length);
  assert.equal(summary.succeeded, 12 - succeededBefore.length);
  assert.equal(summary.failed, 0);

  const after = openSqliteStore(stateFile);
  t.after(() => after.close());
  const tasks = await after.listTasks({});
  assert.equal(tasks.length, 12);
  assert.deepEqual(
    tasks.filter((r) => r.state !== 'succeeded'),
    [],
  );
  assert.equal((await after.listInventory()).length, 12);

  const lines = readFileSync(logFile, 'utf8').trim().split('\n');
  assert.ok(lines.length > linesAtKill.length, 'the rerun did work');
  const count = (key: string) => lines.filter((l) => l === key).length;
  for (const key of succeededBefore) assert.equal(count(key), 1, `${key} succeeded before the kill and must not run again`);
  for (let i = 0; i < 12; i++) assert.ok(count(`key-t${i}`) >= 1, `key-t${i} ran`);
  // Only a task whose verdict was not committed at the kill (mid-apply, or applied while its batch
  // of verdicts was being written) may appear twice (targets are idempotent ensures).
  const repeated = [...new Set(lines)].filter((k) => count(k) > 1);
  assert.ok(
    repeated.every((k) => before.find((r) => r.key === k) === undefined),
    `repeated: ${repeated.join(', ')}`,
  );
});
