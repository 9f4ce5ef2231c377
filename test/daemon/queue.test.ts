// The reconcile queue: never two runs at once; triggers during a run coalesce into one follow-up;
// after close() nothing new starts and idle() waits for the running one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReconcileQueue } from '../../src/daemon/queue.js';
import { silentLogger } from '../../src/util/logger.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

test('queue: one run at a time, triggers during a run coalesce into one follow-up', async () => {
  const runs: string[][] = [];
  let active = 0;
  let maxActive = 0;
  const gates: Array<{ promise: Promise<void>; resolve: () => void }> = [];
  const q = new ReconcileQueue(async (reasons) => {
    runs.push(reasons);
    active++;
    maxActive = Math.max(maxActive, active);
    const gate = deferred();
    gates.push(gate);
    await gate.promise;
    active--;
  }, silentLogger);

  assert.equal(q.trigger('startup'), true);
  await new Promise((r) => setImmediate(r));
  assert.equal(runs.length, 1);
  // Five triggers while the first run is going: one follow-up carrying each distinct reason once.
  for (const r of ['poll', 'webhook:github', 'poll', 'resync', 'api']) q.trigger(r);
  assert.equal(runs.length, 1);
  gates[0].resolve();
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(runs, [['startup'], ['poll', 'webhook:github', 'resync', 'api']]);
  assert.equal(q.busy, true);
  gates[1].resolve();
  await q.idle();
  assert.equal(q.busy, false);
  assert.equal(maxActive, 1);
  assert.equal(runs.length, 2);
});

test('queue: close() refuses new triggers, drops queued ones, idle() waits for the running run', async () => {
  const runs: string[][] = [];
  const gate = deferred();
  let finished = false;
  const q = new ReconcileQueue(async (reasons) => {
    runs.push(reasons);
    await gate.promise;
    finished = true;
  }, silentLogger);
  q.trigger('startup');
  await new Promise((r) => setImmediate(r));
  q.trigger('poll');
  q.close();
  assert.equal(q.trigger('api'), false);
  const idle = q.idle();
  setTimeout(() => gate.resolve(), 20);
  await idle;
  assert.equal(finished, true);
  assert.deepEqual(runs, [['startup']], 'the queued follow-up was dropped');
});

test('queue: a run that throws does not stop later runs', async () => {
  const runs: string[][] = [];
  const q = new ReconcileQueue(async (reasons) => {
    runs.push(reasons);
    if (reasons[0] === 'boom') throw new Error('bug');
  }, silentLogger);
  q.trigger('boom');
  await q.idle();
  q.trigger('resync');
  await q.idle();
  assert.deepEqual(runs, [['boom'], ['resync']]);
});
