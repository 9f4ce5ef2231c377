import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { executeTasks, type ExecuteOptions, type ExecutorEvent } from '../../src/engine/executor.js';
import { openSqliteStore } from '../../src/store/index.js';
import { silentLogger } from '../../src/util/logger.js';
import type { Task } from '../../src/model/plan.js';
import { resource, task, tempDir } from '../store/fixtures.js';
import { RecordingTarget, type Script } from './recording-target.js';

function setup(t: TestContext, scripts: Record<string, Script> = {}) {
  const store = openSqliteStore(join(tempDir(t, 'boreas-exec-'), 'state.db'));
  t.after(() => store.close());
  const target = new RecordingTarget('local', Object.fromEntries(Object.entries(scripts).map(([k, v]) => [`local/Instance/${k}`, v])));
  const events: ExecutorEvent[] = [];
  const run = async (tasks: Task[], over: Partial<ExecuteOptions> = {}) =>
    executeTasks(tasks, {
      store,
      runId: await store.startRun('reconcile', 'rev1'),
      targetFor: () => target,
      log: silentLogger,
      healthIntervalMs: 10,
      onEvent: (e) => events.push(e),
      ...over,
    });
  return { store, target, events, run };
}

const id = (name: string) => `local/Instance/${name}`;

test('dependencies run first; independent tasks run alongside; states, attempts and inventory are recorded', async (t) => {
  const { store, target, run } = setup(t, { a: { applyMs: 30 }, b: { applyMs: 30 }, d: { applyMs: 30 } });
  const tasks = [task('c', { dependsOn: ['key-b'] }), task('b', { dependsOn: ['key-a', 'key-not-in-this-plan'] }), task('a'), task('d')];
  const summary = await run(tasks);
  assert.deepEqual({ ...summary, results: [] }, { total: 4, succeeded: 4, failed: 0, skipped: 0, cancelled: 0, results: [], stoppedOwners: [] });
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => target.callsFor(n)[0]);
  assert.ok(b.start >= a.end!, 'b starts after a finished');
  assert.ok(c.start >= b.end!, 'c starts after b finished');
  assert.ok(d.start < a.end!, 'd runs alongside a');
  for (const n of ['a', 'b', 'c', 'd']) {
    const rec = (await store.getTask(`key-${n}`))!;
    assert.equal(rec.state, 'succeeded');
    assert.equal(rec.outcome, 'created');
    assert.equal(rec.attempts, 1);
  }
  assert.deepEqual(
    (await store.listInventory()).map((i) => [i.resource.id, i.lastTaskKey, i.revision]),
    [
      [id('a'), 'key-a', 'rev1'],
      [id('b'), 'key-b', 'rev1'],
      [id('c'), 'key-c', 'rev1'],
      [id('d'), 'key-d', 'rev1'],
    ],
  );
  assert.deepEqual(
    summary.results.map((r) => [r.resourceId, r.state, r.outcome, r.attempts]),
    [
      [id('c'), 'succeeded', 'created', 1],
      [id('b'), 'succeeded', 'created', 1],
      [id('a'), 'succeeded', 'created', 1],
      [id('d'), 'succeeded', 'created', 1],
    ],
  );
});

test('a task is written once, with its verdict: nothing while it waits or runs, one row when it ends', async (t) => {
  const { store, target, run } = setup(t);
  const seen: Record<string, unknown> = {};
  target.onApply = async (tk) => {
    if (tk.key === 'key-a') seen.bWhileA = await store.getTask('key-b');
    if (tk.key === 'key-b') seen.aWhileB = (await store.getTask('key-a'))?.state;
    seen[`${tk.key}-self`] = await store.getTask(tk.key);
  };
  const before = store.rowsWritten();
  await run([task('a'), task('b', { dependsOn: ['key-a'] })]);
  assert.equal(seen.bWhileA, undefined);
  assert.equal(seen['key-a-self'], undefined);
  // A dependent starts only once its dependency's verdict is committed.
  assert.equal(seen.aWhileB, 'succeeded');
  // The run row, then per task: its own row and its inventory row (clearing an unsettled mark that
  // was never set writes nothing).
  assert.equal(store.rowsWritten() - before, 1 + 2 * 2);
  assert.deepEqual(
    (await store.listAttempts('key-b')).map((a) => [a.attempt, a.outcome]),
    [[1, 'created']],
  );
});

test('no more tasks than the concurrency bound run at once', async (t) => {
  const scripts = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`t${i}`, { applyMs: 25 }]));
  const { target, run } = setup(t, scripts);
  const summary = await run(
    Array.from({ length: 10 }, (_, i) => task(`t${i}`)),
    { concurrency: 3 },
  );
  assert.equal(summary.succeeded, 10);
  assert.equal(target.maxActive, 3);
});

test('apply errors are retried with exponential backoff, every attempt recorded, then success', async (t) => {
  const { store, target, events, run } = setup(t, { flaky: { throwTimes: 2, applyMs: 1 } });
  const summary = await run([task('flaky')], { retries: { max: 3, baseDelayMs: 60 } });
  assert.equal(summary.succeeded, 1);
  assert.equal(summary.results[0].attempts, 3);
  const calls = target.callsFor('flaky');
  assert.equal(calls.length, 3);
  // Equal jitter: retry n waits at least half of base·2^(n-1).
  assert.ok(calls[1].start - calls[0].end! >= 29, `first backoff ${calls[1].start - calls[0].end!}`);
  assert.ok(calls[2].start - calls[1].end! >= 59, `second backoff ${calls[2].start - calls[1].end!}`);
  const retries = events.filter((e) => e.type === 'task-retry');
  assert.equal(retries.length, 2);
  assert.match(retries[0].type === 'task-retry' ? retries[0].message : '', /connection refused/);
  const rec = (await store.getTask('key-flaky'))!;
  assert.equal(rec.attempts, 3);
  assert.deepEqual(
    (await store.listAttempts('key-flaky')).map((a) => [a.attempt, a.outcome, a.message]),
    [
      [1, 'failed', 'connection refused (local/Instance/flaky try 1)'],
      [2, 'failed', 'connection refused (local/Instance/flaky try 2)'],
      [3, 'created', undefined],
    ],
  );
  assert.equal(rec.state, 'succeeded');
});

test('when retries are exhausted the task fails with the last error', async (t) => {
  const { store, target, run } = setup(t, { down: { throwTimes: 99, applyMs: 1 } });
  const summary = await run([task('down')], { retries: { max: 2, baseDelayMs: 5 } });
  assert.equal(summary.failed, 1);
  assert.equal(target.callsFor('down').length, 3);
  assert.match(summary.results[0].message!, /connection refused \(local\/Instance\/down try 3\) \(after 3 attempts\)/);
  assert.equal((await store.getTask('key-down'))?.state, 'failed');
  assert.equal((await store.getTask('key-down'))?.attempts, 3);
  assert.deepEqual(await store.listInventory(), []);
});

test('a failure cancels its dependents transitively, naming the failed dependency; others still run', async (t) => {
  const { store, target, run } = setup(t, { a: { outcome: 'failed' } });
  const summary = await run([task('a'), task('b', { dependsOn: ['key-a'] }), task('c', { dependsOn: ['key-b'] }), task('d')]);
  assert.deepEqual([summary.succeeded, summary.failed, summary.cancelled], [1, 1, 2]);
  const byId = new Map(summary.results.map((r) => [r.resourceId, r]));
  assert.equal(byId.get(id('a'))!.message, 'target says no to local/Instance/a');
  assert.equal(byId.get(id('b'))!.message, 'dependency local/Instance/a failed');
  assert.equal(byId.get(id('c'))!.message, 'dependency local/Instance/b was cancelled');
  assert.deepEqual(target.calls.map((c) => c.resourceId).sort(), [id('a'), id('d')]);
  assert.equal((await store.getTask('key-b'))?.state, 'cancelled');
  assert.equal((await store.getTask('key-c'))?.message, 'dependency local/Instance/b was cancelled');
  assert.equal((await store.getTask('key-a'))?.attempts, 1, 'a returned failure is not retried');
});

test('a key that already succeeded is never run again, and re-running writes no rows; failed keys run again', async (t) => {
  const { store, target, run } = setup(t, { c: { outcome: 'failed' } });
  const tasks = [task('a'), task('b', { dependsOn: ['key-a'] }), task('c')];
  await run(tasks);
  assert.equal(target.calls.length, 3);

  const onlySucceeded = tasks.slice(0, 2);
  const runId = await store.startRun('reconcile', 'rev1');
  const before = store.rowsWritten();
  const again = await executeTasks(onlySucceeded, { store, runId, targetFor: () => target, log: silentLogger });
  assert.equal(store.rowsWritten(), before, 'skipping writes nothing');
  assert.equal(target.calls.length, 3);
  assert.deepEqual([again.skipped, again.succeeded, again.total], [2, 0, 2]);
  assert.equal(again.results[0].state, 'succeeded');
  assert.match(again.results[0].message!, /already succeeded in run 1/);

  const third = await run(tasks);
  assert.deepEqual([third.skipped, third.failed], [2, 1]);
  assert.deepEqual(
    target.calls.map((c) => c.resourceId),
    [id('a'), id('c'), id('b'), id('c')],
  );
  assert.equal((await store.getTask('key-c'))?.attempts, 2);
});

test('a changed resource that never becomes healthy fails with the health message and stays in the inventory', async (t) => {
  const { store, target, run } = setup(t, { slow: { health: [{ status: 'Progressing', level: 40, message: 'http 503 from /healthz' }] } });
  const started = Date.now();
  const summary = await run([task('slow'), task('after', { dependsOn: ['key-slow'] })], { healthTimeoutMs: 150, healthIntervalMs: 20 });
  assert.ok(Date.now() - started >= 150);
  assert.equal(summary.failed, 1);
  assert.equal(summary.results[0].message, 'not healthy after 150ms: Progressing (40) http 503 from /healthz');
  assert.equal(summary.results[1].message, 'dependency local/Instance/slow failed');
  assert.ok(target.healthCalls.length >= 2, 'health was polled repeatedly');
  assert.equal((await store.getTask('key-slow'))?.state, 'failed');
  assert.deepEqual(
    (await store.listAttempts('key-slow')).map((a) => [a.outcome, a.message]),
    [['failed', summary.results[0].message]],
  );
  // The change reached the target; prune must still be able to find it.
  assert.deepEqual(
    (await store.listInventory()).map((i) => i.resource.id),
    [id('slow')],
  );
});

test('health is polled until Healthy; deletes and Stopped resources are not waited for', async (t) => {
  const progressing = { status: 'Progressing' as const, level: 50 };
  const { store, target, run } = setup(t, {
    up: { health: [progressing, progressing, { status: 'Healthy', level: 100 }] },
    gone: { health: [progressing] },
    off: { health: [progressing] },
  });
  await store.recordApplied(resource('gone'), 'old', 'rev0');
  const summary = await run(
    [task('up', { action: 'update' }), task('gone', { action: 'delete' }), task('off', { resource: resource('off', { spec: { state: 'Stopped' } }) })],
    { healthTimeoutMs: 2000, healthIntervalMs: 5 },
  );
  assert.equal(summary.succeeded, 3);
  assert.deepEqual(target.healthCalls, [id('up'), id('up'), id('up')]);
  assert.deepEqual(
    summary.results.map((r) => r.outcome),
    ['created', 'deleted', 'created'],
  );
  assert.deepEqual(
    (await store.listInventory()).map((i) => i.resource.id),
    [id('off'), id('up')],
  );
});

test('hook delete policies: HookSucceeded deletes a hook once healthy, HookFailed once it failed (at once, no timeout wait)', async (t) => {
  const failedJob = { status: 'Degraded' as const, level: 0, message: 'job failed: BackoffLimitExceeded' };
  const { store, target, run } = setup(t, { ok: {}, bad: { health: [failedJob] }, kept: { health: [failedJob] } });
  const hook = (name: string, deleteOnSuccess: boolean, deleteOnFailure: boolean) =>
    task(name, { resource: resource(name, { hook: { recreate: true, deleteOnSuccess, deleteOnFailure } }) });
  const summary = await run([hook('ok', true, false), hook('bad', false, true), hook('kept', true, false)], { healthTimeoutMs: 60_000, healthIntervalMs: 5 });
  assert.deepEqual(
    ['bad', 'kept'].map((n) => target.healthCalls.filter((h) => h === id(n)).length),
    [1, 1],
    'a failed hook ends the wait at once, not after the 60 s timeout',
  );
  const byId = (n: string) => summary.results.find((r) => r.resourceId === id(n))!;
  assert.equal(byId('ok').message, 'applied; deleted because it succeeded (HookSucceeded)');
  assert.equal(byId('bad').message, 'hook failed: Degraded job failed: BackoffLimitExceeded; deleted because it failed (HookFailed)');
  assert.equal(byId('kept').message, 'hook failed: Degraded job failed: BackoffLimitExceeded');
  assert.deepEqual(
    ['ok', 'bad', 'kept'].map((n) => target.callsFor(n).map((c) => c.action)),
    [['create', 'delete'], ['create', 'delete'], ['create']],
  );
  assert.equal((await store.getTask('key-bad'))?.state, 'failed');
});

function batched(owner: string, name: string, batch: number): Task {
  return task(name, { resource: resource(name, { owner, batch }) });
}

test('release batches run one after another; failures beyond the threshold cancel the remaining batches', async (t) => {
  const { target, events, run } = setup(t, { 'api-2': { outcome: 'failed', applyMs: 20 }, 'api-0': { applyMs: 20 }, 'api-1': { applyMs: 20 } });
  const tasks = [
    batched('api', 'api-0', 0),
    batched('api', 'api-1', 0),
    batched('api', 'api-2', 1),
    batched('api', 'api-3', 1),
    batched('api', 'api-4', 2),
    batched('api', 'api-5', 2),
    batched('web', 'web-0', 0),
    batched('web', 'web-1', 1),
  ];
  const summary = await run(tasks, { concurrency: 8 });
  const batch0End = Math.max(target.callsFor('api-0')[0].end!, target.callsFor('api-1')[0].end!);
  assert.ok(Math.min(target.callsFor('api-2')[0].start, target.callsFor('api-3')[0].start) >= batch0End, 'batch 1 waits for batch 0');
  assert.equal(target.callsFor('api-4').length + target.callsFor('api-5').length, 0, 'batch 2 never started');
  assert.deepEqual(summary.stoppedOwners, ['api']);
  const byId = new Map(summary.results.map((r) => [r.resourceId, r]));
  assert.equal(byId.get(id('api-4'))!.state, 'cancelled');
  assert.equal(byId.get(id('api-5'))!.message, 'release of api stopped: 1 failed, threshold 0');
  assert.equal(byId.get(id('api-3'))!.state, 'succeeded', 'the batch already running finishes');
  assert.equal(byId.get(id('web-1'))!.state, 'succeeded', 'other owners are not affected');
  assert.deepEqual(
    events
      .filter((e) => e.type === 'batch-started')
      .map((e) => e.type === 'batch-started' && `${e.owner}:${e.batch}`)
      .sort(),
    ['api:0', 'api:1', 'web:0', 'web:1'],
  );
  assert.ok(events.some((e) => e.type === 'owner-stopped' && e.owner === 'api' && e.failed === 1 && e.threshold === 0));
});

test('a failure stops its release before the next task of the batch starts (its slot is kept until it is counted)', async (t) => {
  // 400 failing tasks in one batch, threshold 0, concurrency 4: only the first wave may run. A task
  // that gave its slot away while its failed verdict waited for the group commit let the executor
  // start one more task per slot before the failure was counted (8 applied instead of 4).
  const failing = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`api-${i}`, { outcome: 'failed' as const }]));
  const { target, run } = setup(t, failing);
  const summary = await run(
    Array.from({ length: 400 }, (_, i) => batched('api', `api-${i}`, 0)),
    { concurrency: 4 },
  );
  const applied = Array.from({ length: 400 }, (_, i) => target.callsFor(`api-${i}`).length).reduce((a, b) => a + b, 0);
  assert.equal(applied, 4, 'only the tasks already running when the first failure came in were applied');
  assert.deepEqual([summary.failed, summary.cancelled], [4, 396]);
  assert.deepEqual(summary.stoppedOwners, ['api']);
});

test('failures within the threshold let the release continue', async (t) => {
  const { target, run } = setup(t, { 'api-1': { outcome: 'failed' } });
  const tasks = [batched('api', 'api-0', 0), batched('api', 'api-1', 1), batched('api', 'api-2', 2)];
  const summary = await run(tasks, { failureThreshold: (owner) => (owner === 'api' ? 1 : 0) });
  assert.deepEqual(summary.stoppedOwners, []);
  assert.deepEqual([summary.succeeded, summary.failed], [2, 1]);
  assert.ok(target.callsFor('api-2')[0].start >= target.callsFor('api-1')[0].end!);
});

test('a dependency cycle or a duplicate key is an error before anything runs', async (t) => {
  const { store, target, run } = setup(t);
  await assert.rejects(
    run([task('a', { dependsOn: ['key-c'] }), task('b', { dependsOn: ['key-a'] }), task('c', { dependsOn: ['key-b'] }), task('x')]),
    /dependency cycle local\/Instance\/a -> local\/Instance\/c -> local\/Instance\/b -> local\/Instance\/a/,
  );
  await assert.rejects(run([task('a'), task('a')]), /duplicate task key key-a/);
  assert.equal(target.calls.length, 0);
  assert.deepEqual(await store.listTasks({}), []);
});

test('aborting cancels what has not started; a missing target fails its task', async (t) => {
  const { store, target, run } = setup(t, { first: { applyMs: 40 } });
  const ac = new AbortController();
  target.onApply = () => ac.abort();
  const summary = await run([task('first'), task('second', { dependsOn: ['key-first'] }), task('third', { dependsOn: ['key-first'] })], { signal: ac.signal });
  assert.deepEqual(
    summary.results.map((r) => r.state),
    ['succeeded', 'cancelled', 'cancelled'],
  );
  assert.equal((await store.getTask('key-third'))?.message, 'aborted');

  const other = await run([task('remote', { target: 'agent:n9' })], {
    targetFor: (key) => {
      throw new Error(`no target handles "${key}"`);
    },
  });
  assert.equal(other.failed, 1);
  assert.match(other.results[0].message!, /no target handles "agent:n9"/);
});

test('a dependency pointing into a later batch of the same owner is cancelled, not a hang', async (t) => {
  const { target, run } = setup(t);
  const first = task('api-0', { resource: resource('api-0', { owner: 'api', batch: 0 }), dependsOn: ['key-api-1'] });
  const summary = await run([first, batched('api', 'api-1', 1), task('free')]);
  assert.deepEqual(
    summary.results.map((r) => r.state),
    ['cancelled', 'cancelled', 'succeeded'],
  );
  assert.match(summary.results[1].message!, /cannot be ordered/);
  assert.deepEqual(
    target.calls.map((c) => c.resourceId),
    [id('free')],
  );
});
