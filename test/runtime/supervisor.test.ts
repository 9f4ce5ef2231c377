// The supervisor (agent/daemon use) restarts an exited instance with backoff.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProcessRunner } from '../../src/runtime/runners/process.js';
import { readRecord } from '../../src/runtime/state/instance-state.js';
import { Supervisor } from '../../src/runtime/supervisor.js';
import { freePort, getText, isAlive, killAfter, killGroup, onCleanup, processSpec, tempDir, waitFor, writeScripts } from './helpers.js';

test('an instance that exits is restarted, with growing backoff while it keeps dying', async (t) => {
  const base = tempDir(t);
  const work = tempDir(t);
  writeScripts(base);
  killAfter(t, work, 'sup-0');
  const runner = new ProcessRunner({ workDir: work, baseDir: base });
  const port = await freePort();
  const spec = processSpec('sup-0');
  const env = async () => ({ PORT: String(port), MESSAGE: 'supervised' });
  await runner.ensureRunning(spec, 'h', await env());
  const restarts: number[] = [];
  const sup = new Supervisor({ intervalMs: 50, minBackoffMs: 200, maxBackoffMs: 1000, onRestart: (_i, attempt) => restarts.push(attempt) });
  onCleanup(t, () => sup.close());
  sup.watch(runner, spec, 'h', env);

  const first = (await readRecord(work, 'sup-0'))!.pid!;
  killGroup(first);
  const second = await waitFor('restarted', async () => {
    const pid = (await readRecord(work, 'sup-0'))!.pid!;
    return pid !== first && isAlive(pid) ? pid : undefined;
  });
  assert.equal(await waitFor('answers again', () => getText(port)), 'supervised');
  await waitFor('restart reported', () => restarts.length === 1);
  assert.deepEqual(restarts, [1]);

  // Killed again right away: the second restart waits for the backoff (200 ms after the first).
  killGroup(second);
  const killedAt = Date.now();
  await waitFor('restarted again', async () => {
    const pid = (await readRecord(work, 'sup-0'))!.pid!;
    return pid !== second && isAlive(pid) ? pid : undefined;
  });
  await waitFor('restart reported', () => restarts.length === 2);
  assert.deepEqual(restarts, [1, 2]);
  assert.equal(sup.failures('sup-0'), 2);
  assert.ok(Date.now() - killedAt >= 100, 'second restart was delayed by the backoff');

  sup.unwatch('sup-0');
  killGroup((await readRecord(work, 'sup-0'))!.pid!);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await runner.observe('sup-0')).running, false, 'not restarted after unwatch');
});
