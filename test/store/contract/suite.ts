// The store contract, one suite for every implementation (SQLite, PostgreSQL): what the engine,
// the daemon and the CLI rely on, checked against a real database each time. An implementation gets
// a test file in this folder that calls storeContract with a function opening a fresh, empty store.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { Store } from '../../../src/store/store.js';
import { observed, resource, task } from '../fixtures.js';

export interface ContractFixture {
  /** A fresh, empty store closed when the test ends; undefined after `t.skip(reason)`. */
  open(t: TestContext): Promise<Store | undefined>;
  /** The same database opened again (after the first store was closed). */
  reopen(t: TestContext, store: Store): Promise<Store>;
}

export function storeContract({ open, reopen }: ContractFixture): void {
  test('revisions: recorded once, read back, validity refreshed', async (t) => {
    const store = await open(t);
    if (!store) return;
    assert.equal(await store.getRevision('abc'), undefined);
    await store.recordRevision({ sha: 'abc', treeHash: 't1', source: 'repo', ref: 'main', seenAt: '2026-01-01T00:00:00.000Z', valid: false });
    await store.recordRevision({ sha: 'abc', treeHash: 't1', source: 'repo', ref: 'main', seenAt: '2026-02-02T00:00:00.000Z', valid: true });
    assert.deepEqual(await store.getRevision('abc'), {
      sha: 'abc',
      treeHash: 't1',
      source: 'repo',
      ref: 'main',
      seenAt: '2026-01-01T00:00:00.000Z',
      valid: true,
    });
    await store.recordRevision({ sha: 'wt', treeHash: 't2', source: 'dir', seenAt: 'x', valid: true });
    assert.equal((await store.getRevision('wt'))?.ref, undefined);
  });
  test('desired snapshots: stored once per revision; the first snapshot wins', async (t) => {
    const store = await open(t);
    if (!store) return;
    const a = [resource('api-0'), resource('web-0', { dependsOn: ['local/Instance/api-0'], batch: 1, rendered: { '/etc/x': 'hello' } })];
    assert.equal(await store.loadDesired('r1'), undefined);
    await store.saveDesired('r1', a);
    await store.saveDesired('r1', [resource('other')]);
    assert.deepEqual(await store.loadDesired('r1'), a);
    await store.saveDesired('r2', []);
    assert.deepEqual(await store.loadDesired('r2'), []);
  });
  test('inventory: recordApplied upserts, listInventory filters by target, removeFromInventory deletes it and its observation', async (t) => {
    const store = await open(t);
    if (!store) return;
    const api = resource('api-0');
    const remote = resource('db-0', { id: 'agent:n1/Instance/db-0', target: 'agent:n1' });
    await store.recordApplied(api, 'k1', 'r1');
    await store.recordApplied(remote, 'k2', 'r1');
    const changed = resource('api-0', { spec: { name: 'api-0', state: 'Running', port: 81 } });
    await store.recordApplied(changed, 'k3', 'r2');
    const all = await store.listInventory();
    assert.deepEqual(
      all.map((i) => i.resource.id),
      ['agent:n1/Instance/db-0', 'local/Instance/api-0'],
    );
    const local = await store.listInventory('local');
    assert.equal(local.length, 1);
    assert.deepEqual(local[0].resource, changed);
    assert.equal(local[0].appliedHash, changed.hash);
    assert.equal(local[0].revision, 'r2');
    assert.equal(local[0].lastTaskKey, 'k3');
    assert.match(local[0].appliedAt, /^\d{4}-\d\d-\d\dT/);
    await store.saveObserved([observed(api.id), observed(remote.id)]);
    await store.removeFromInventory(api.id);
    assert.deepEqual(
      (await store.listInventory()).map((i) => i.resource.id),
      [remote.id],
    );
    assert.deepEqual(
      (await store.listObserved()).map((o) => o.id),
      [remote.id],
    );
  });
  test('observed: saveObserved upserts and listObserved returns what was saved', async (t) => {
    const store = await open(t);
    if (!store) return;
    const o1 = observed('local/Instance/a', { appliedHash: 'h', details: { pid: 12 }, fingerprint: 'f' });
    // b was applied (it is in the inventory): that it is gone now is worth keeping.
    await store.recordApplied(resource('b'), 'key-b', 'r1');
    await store.saveObserved([o1, observed('local/Instance/b', { state: 'absent', health: { status: 'Missing', level: 0, message: 'gone' } })]);
    await store.saveObserved([{ ...o1, details: { pid: 13 } }]);
    const list = await store.listObserved();
    assert.equal(list.length, 2);
    assert.deepEqual(list[0].details, { pid: 13 });
    assert.equal(list[1].health.message, 'gone');
  });
  test('observed: an absent resource never applied is not cached, and replaces a stale observation', async (t) => {
    const store = await open(t);
    if (!store) return;
    const missing = (id: string) => observed(id, { state: 'absent', health: { status: 'Missing', level: 0 } });
    const before = store.rowsWritten();
    await store.saveObserved([missing('local/Instance/new-1'), missing('local/Instance/new-2')]);
    assert.equal(store.rowsWritten() - before, 0, 'a first reconcile pays no row for "not there yet"');
    assert.deepEqual(await store.listObserved(), []);
    // Seen present once (adopted elsewhere, say), then gone and not in the inventory: the stale row goes.
    await store.saveObserved([observed('local/Instance/new-1', { appliedHash: 'h' })]);
    assert.equal((await store.listObserved()).length, 1);
    await store.saveObserved([missing('local/Instance/new-1')]);
    assert.deepEqual(await store.listObserved(), []);
  });
  test('tasks: finishTask writes a first-time success as one row carrying its attempt', async (t) => {
    const store = await open(t);
    if (!store) return;
    const run1 = await store.startRun('reconcile', 'rev1');
    const a = task('a', { dependsOn: ['key-b'] });
    const before = store.rowsWritten();
    await store.finishTask(a, run1, 'app', {
      state: 'succeeded',
      outcome: 'created',
      message: 'made',
      attempts: [{ outcome: 'created', message: 'made', startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:01.000Z' }],
    });
    assert.equal(store.rowsWritten() - before, 1);
    const rec = (await store.getTask(a.key))!;
    assert.deepEqual(
      [rec.state, rec.outcome, rec.message, rec.attempts, rec.runId, rec.owner, rec.dependsOn],
      ['succeeded', 'created', 'made', 1, run1, 'app', ['key-b']],
    );
    assert.deepEqual(await store.listAttempts(a.key), [
      { attempt: 1, runId: run1, outcome: 'created', message: 'made', startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:01.000Z' },
    ]);
    assert.deepEqual(
      (await store.listTasks({ runId: run1 })).map((x) => x.key),
      [a.key],
    );
  });
  test('tasks: finishTask keeps every attempt of retries and of earlier runs, numbered in order', async (t) => {
    const store = await open(t);
    if (!store) return;
    const b = task('b');
    const run1 = await store.startRun('reconcile', 'rev1');
    await store.finishTask(b, run1, 'app', {
      state: 'failed',
      outcome: 'failed',
      message: 'boom (after 2 attempts)',
      attempts: [
        { outcome: 'failed', message: 'boom', startedAt: 's1', finishedAt: 'f1' },
        { outcome: 'failed', message: 'boom', startedAt: 's2', finishedAt: 'f2' },
      ],
    });
    const run2 = await store.startRun('reconcile', 'rev1');
    await store.finishTask(b, run2, 'app', {
      state: 'succeeded',
      outcome: 'configured',
      attempts: [{ outcome: 'configured', startedAt: 's3', finishedAt: 'f3' }],
    });
    const rec = (await store.getTask(b.key))!;
    assert.deepEqual([rec.state, rec.outcome, rec.message, rec.attempts, rec.runId], ['succeeded', 'configured', undefined, 3, run2]);
    assert.deepEqual(
      (await store.listAttempts(b.key)).map((x) => [x.attempt, x.runId, x.outcome, x.startedAt]),
      [
        [1, run1, 'failed', 's1'],
        [2, run1, 'failed', 's2'],
        [3, run2, 'configured', 's3'],
      ],
    );
    // Cancelled before starting: the verdict is written, the attempts stay as they were.
    const c = task('c');
    await store.finishTask(c, run2, 'app', { state: 'cancelled', message: 'dependency failed', attempts: [] });
    assert.deepEqual([(await store.getTask(c.key))?.state, (await store.getTask(c.key))?.attempts, await store.listAttempts(c.key)], ['cancelled', 0, []]);
    // The legacy per-state calls interleave with it (the older rows' attempts stay numbered).
    await store.recordAttempt(b.key, 'failed', 'late', 's4', 'f4');
    assert.deepEqual(
      (await store.listAttempts(b.key)).map((x) => x.attempt),
      [1, 2, 3, 4],
    );
  });
  test('runs: start, finish, list newest first', async (t) => {
    const store = await open(t);
    if (!store) return;
    const r1 = await store.startRun('reconcile', 'r1');
    const r2 = await store.startRun('down', 'down');
    assert.ok(r2 > r1);
    await store.finishRun(r1, true, { tasks: 3 });
    const runs = await store.listRuns();
    assert.deepEqual(
      runs.map((r) => r.id),
      [r2, r1],
    );
    assert.equal(runs[1].converged, true);
    assert.deepEqual(runs[1].summary, { tasks: 3 });
    assert.ok(runs[1].finishedAt);
    assert.equal(runs[0].finishedAt, undefined);
    assert.equal((await store.listRuns(1)).length, 1);
  });
  test('tasks: upsert inserts pending, states and attempts are recorded, a succeeded key is never reset', async (t) => {
    const store = await open(t);
    if (!store) return;
    const run1 = await store.startRun('reconcile', 'rev1');
    const a = task('a', { dependsOn: ['key-b'] });
    const rec = await store.upsertTask(a, run1, 'app');
    assert.equal(rec.state, 'pending');
    assert.equal(rec.attempts, 0);
    assert.deepEqual(rec.dependsOn, ['key-b']);
    assert.equal(rec.owner, 'app');
    await store.setTaskState(a.key, 'running');
    await store.recordAttempt(a.key, 'failed', 'boom', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z');
    await store.recordAttempt(a.key, 'created', undefined, '2026-01-01T00:00:02.000Z', '2026-01-01T00:00:03.000Z');
    await store.setTaskState(a.key, 'failed', 'failed', 'health timeout');
    assert.deepEqual(await store.listAttempts(a.key), [
      { attempt: 1, runId: run1, outcome: 'failed', message: 'boom', startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:01.000Z' },
      { attempt: 2, runId: run1, outcome: 'created', startedAt: '2026-01-01T00:00:02.000Z', finishedAt: '2026-01-01T00:00:03.000Z' },
    ]);
    assert.deepEqual(
      { ...(await store.getTask(a.key)), createdAt: '', updatedAt: '' },
      {
        key: a.key,
        runId: run1,
        revision: 'rev1',
        resourceId: a.resourceId,
        target: 'local',
        owner: 'app',
        action: 'create',
        state: 'failed',
        outcome: 'failed',
        message: 'health timeout',
        attempts: 2,
        dependsOn: ['key-b'],
        createdAt: '',
        updatedAt: '',
      },
    );

    // A failed key re-attaches to the next run and keeps its attempt history.
    const run2 = await store.startRun('reconcile', 'rev1');
    const again = await store.upsertTask(a, run2, 'app');
    assert.equal(again.state, 'pending');
    assert.equal(again.runId, run2);
    assert.equal(again.outcome, undefined);
    assert.equal(again.attempts, 2);
    await store.recordAttempt(a.key, 'created', undefined, 'x', 'y');
    await store.setTaskState(a.key, 'succeeded', 'created');
    assert.equal((await store.getTask(a.key))?.attempts, 3);
    assert.deepEqual(
      (await store.listAttempts(a.key)).map((x) => [x.attempt, x.runId]),
      [
        [1, run1],
        [2, run1],
        [3, run2],
      ],
    );

    // Succeeded is final: upsert returns it unchanged and writes nothing.
    const run3 = await store.startRun('reconcile', 'rev1');
    const before = store.rowsWritten();
    const done = await store.upsertTask(a, run3, 'app');
    assert.equal(store.rowsWritten(), before);
    assert.equal(done.state, 'succeeded');
    assert.equal(done.runId, run2);

    await assert.rejects(store.setTaskState('nope', 'running'), /unknown task nope/);
    await assert.rejects(store.recordAttempt('nope', 'failed', undefined, 'x', 'y'), /unknown task nope/);
  });
  test('tasks: listTasks filters by run, revision and state', async (t) => {
    const store = await open(t);
    if (!store) return;
    const run1 = await store.startRun('reconcile', 'rev1');
    const run2 = await store.startRun('reconcile', 'rev2');
    await store.upsertTask(task('a'), run1, 'app');
    await store.upsertTask(task('b', { revision: 'rev2' }), run2, 'app');
    await store.upsertTask(task('c', { revision: 'rev2' }), run2, 'app');
    await store.setTaskState('key-c', 'succeeded', 'created');
    assert.deepEqual(
      (await store.listTasks({ runId: run1 })).map((x) => x.key),
      ['key-a'],
    );
    assert.deepEqual((await store.listTasks({ revision: 'rev2' })).map((x) => x.key).sort(), ['key-b', 'key-c']);
    assert.deepEqual(
      (await store.listTasks({ runId: run2, state: 'succeeded' })).map((x) => x.key),
      ['key-c'],
    );
    assert.deepEqual(
      (await store.listTasks({})).map((x) => x.key),
      ['key-a', 'key-b', 'key-c'],
      'in insertion order',
    );
  });
  test('tasks must belong to a run that exists (foreign keys are enforced)', async (t) => {
    const store = await open(t);
    if (!store) return;
    await assert.rejects(store.upsertTask(task('a'), 999, 'app'), /foreign key/i);
  });
  test('app revisions: newest first per application', async (t) => {
    const store = await open(t);
    if (!store) return;
    const run = await store.startRun('reconcile', 'r1');
    await store.recordAppRevision({ application: 'api', revision: 'r1', runId: run, result: 'succeeded', desiredHash: 'h1' });
    await store.recordAppRevision({ application: 'web', revision: 'r1', runId: run, result: 'failed', desiredHash: 'h2' });
    await store.recordAppRevision({ application: 'api', revision: 'r2', runId: run, result: 'failed', desiredHash: 'h3' });
    const api = await store.listAppRevisions('api');
    assert.deepEqual(
      api.map((r) => [r.revision, r.result, r.desiredHash]),
      [
        ['r2', 'failed', 'h3'],
        ['r1', 'succeeded', 'h1'],
      ],
    );
    assert.ok(api[0].at);
    assert.deepEqual(await store.listAppRevisions('nope'), []);
  });
  test('app revisions of a whole run: one row for every application, read back per application among single lines', async (t) => {
    const store = await open(t);
    if (!store) return;
    const first = await store.startRun('reconcile', 'r1');
    await store.recordAppRevision({ application: 'api', revision: 'r0', runId: first, result: 'succeeded', desiredHash: 'h0', changed: 1 });
    const second = await store.startRun('reconcile', 'r2');
    const apps = Array.from({ length: 500 }, (_, i) => ({ application: `app-${i}`, result: 'succeeded', desiredHash: `h${i}`, changed: i % 3 }));
    const before = store.rowsWritten();
    await store.recordAppRevisions(second, 'r2', [
      ...apps,
      { application: 'api', result: 'failed', desiredHash: 'h1', changed: 0 },
      // Names are looked up as keys, not as JSON paths.
      { application: 'a.b"c', result: 'incomplete', desiredHash: 'hq', changed: 2 },
    ]);
    assert.equal(store.rowsWritten() - before, 1, '502 applications, one row');
    const third = await store.startRun('reconcile', 'r3');
    const beforeEmpty = store.rowsWritten();
    await store.recordAppRevisions(third, 'r3', []);
    assert.equal(store.rowsWritten(), beforeEmpty, 'a run that changed no application writes no history row');
    const api = await store.listAppRevisions('api');
    assert.deepEqual(
      api.map((r) => [r.revision, r.runId, r.result, r.desiredHash, r.changed]),
      [
        ['r2', second, 'failed', 'h1', 0],
        ['r0', first, 'succeeded', 'h0', 1],
      ],
    );
    assert.ok(api[0].at);
    assert.deepEqual(
      (await store.listAppRevisions('app-7')).map((r) => [r.revision, r.desiredHash, r.changed]),
      [['r2', 'h7', 1]],
    );
    assert.deepEqual(
      (await store.listAppRevisions('a.b"c')).map((r) => [r.result, r.changed]),
      [['incomplete', 2]],
    );
    assert.deepEqual(await store.listAppRevisions('app'), []);
    assert.deepEqual(await store.listAppRevisions('a.b'), []);
  });
  test('audit events and kv', async (t) => {
    const store = await open(t);
    if (!store) return;
    await store.audit({ type: 'rollback', subject: 'api', message: 'pinned to r1', data: { to: 'r1' } });
    await store.audit({ type: 'prune', subject: 'web', message: 'deleted' });
    const api = await store.listAudit('api');
    assert.equal(api.length, 1);
    assert.deepEqual(api[0].data, { to: 'r1' });
    assert.deepEqual(
      (await store.listAudit()).map((e) => e.type),
      ['prune', 'rollback'],
    );

    assert.equal(await store.getKv('pins', 'apps'), undefined);
    await store.setKv('pins', 'apps', '{"a":1}');
    assert.equal(await store.getKv('pins', 'apps'), '{"a":1}');
    await store.setKv('pins', 'apps', '{"a":2}');
    assert.equal(await store.getKv('pins', 'apps'), '{"a":2}');
    assert.equal(await store.getKv('other', 'apps'), undefined);
    await store.setKv('pins', 'apps', undefined);
    assert.equal(await store.getKv('pins', 'apps'), undefined);
  });
  test('transaction: all or nothing', async (t) => {
    const store = await open(t);
    if (!store) return;
    await assert.rejects(
      store.transaction(async (tx) => {
        await tx.setKv('a', 'b', 'c');
        throw new Error('abort');
      }),
      /abort/,
    );
    assert.equal(await store.getKv('a', 'b'), undefined);
    assert.equal(await store.transaction(async () => 42), 42);
  });
  test('repeating identical saveObserved / saveDesired / recordRevision / setKv writes zero rows', async (t) => {
    const store = await open(t);
    if (!store) return;
    assert.equal(store.rowsWritten(), 0, 'opening (and migrating) is not counted');
    const desired = Array.from({ length: 50 }, (_, i) => resource(`app-${i}`));
    const obs = desired.map((r) => observed(r.id, { appliedHash: r.hash, details: { pid: 100, port: 8080 } }));
    const rev = { sha: 'abc', treeHash: 't', source: 'repo', ref: 'main', seenAt: 'now', valid: true };

    await store.recordRevision(rev);
    await store.saveDesired('abc', desired);
    await store.saveObserved(obs);
    await store.setKv('pins', 'apps', '{}');
    assert.equal(store.rowsWritten(), 1 + 1 + 50 + 1);

    const before = store.rowsWritten();
    await store.recordRevision({ ...rev, seenAt: 'later' });
    await store.saveDesired('abc', desired);
    // Same content with keys in another order is the same observation.
    await store.saveObserved(obs.map((o) => ({ details: o.details, health: o.health, appliedHash: o.appliedHash, state: o.state, id: o.id })));
    await store.setKv('pins', 'apps', '{}');
    assert.equal(store.rowsWritten() - before, 0);

    // One changed observation writes exactly one row.
    await store.saveObserved([{ ...obs[7], details: { pid: 101, port: 8080 } }, ...obs.slice(8)]);
    assert.equal(store.rowsWritten() - before, 1);
  });
  test('rowsWritten counts inserts, updates and deletes of every table', async (t) => {
    const store = await open(t);
    if (!store) return;
    const run = await store.startRun('reconcile', 'r');
    assert.equal(store.rowsWritten(), 1);
    await store.recordApplied(resource('a'), 'k', 'r');
    await store.removeFromInventory(resource('a').id);
    assert.equal(store.rowsWritten(), 3);
    await store.finishRun(run, true, {});
    await store.audit({ type: 'x', subject: 'y', message: 'z' });
    await store.setKv('a', 'b', 'c');
    await store.setKv('a', 'b', undefined);
    assert.equal(store.rowsWritten(), 7);
  });

  test('data survives close and reopen', async (t) => {
    const store = await open(t);
    if (!store) return;
    await store.recordApplied(resource('api-0'), 'k', 'r');
    await store.setKv('n', 'k', 'v');
    const again = await reopen(t, store);
    assert.equal((await again.listInventory()).length, 1);
    assert.equal(await again.getKv('n', 'k'), 'v');
  });

  test('listKv: every key of one namespace, nothing of others', async (t) => {
    const store = await open(t);
    if (!store) return;
    await store.setKv('unsettled', 'b', 'two');
    await store.setKv('unsettled', 'a', 'one');
    await store.setKv('other', 'a', 'x');
    assert.deepEqual(
      [...(await store.listKv('unsettled'))],
      [
        ['a', 'one'],
        ['b', 'two'],
      ],
    );
    assert.deepEqual(await store.listKv('none'), new Map());
  });

  test('transaction: nested savepoints roll back alone; the outer store refuses calls from inside', async (t) => {
    const store = await open(t);
    if (!store) return;
    await store.transaction(async (tx) => {
      await tx.setKv('n', 'kept', '1');
      await assert.rejects(
        tx.transaction(async (inner) => {
          await inner.setKv('n', 'dropped', '2');
          throw new Error('inner abort');
        }),
        /inner abort/,
      );
      // Calling the outer store here would wait for this very transaction: refused, not hung.
      await assert.rejects(async () => store.getKv('n', 'kept'), /inside its own transaction/);
    });
    assert.equal(await store.getKv('n', 'kept'), '1');
    assert.equal(await store.getKv('n', 'dropped'), undefined);
  });

  test('transaction: other callers never see or join a transaction before it commits', async (t) => {
    const store = await open(t);
    if (!store) return;
    let release!: () => void;
    const inside = new Promise<void>((r) => (release = r));
    const tx = store.transaction(async (x) => {
      await x.setKv('iso', 'k', 'inside');
      await inside;
      throw new Error('rolled back');
    });
    // A concurrent writer: lands after (SQLite serialises) or beside (PostgreSQL), never inside.
    const outside = store.setKv('iso', 'other', 'outside');
    await new Promise((r) => setTimeout(r, 50));
    release();
    await assert.rejects(tx, /rolled back/);
    await outside;
    assert.equal(await store.getKv('iso', 'k'), undefined);
    assert.equal(await store.getKv('iso', 'other'), 'outside');
  });

  test('secrets registered for redaction never reach a stored message', async (t) => {
    const store = await open(t);
    if (!store) return;
    const { registerSecret } = await import('../../../src/util/redact.js');
    registerSecret('contract-secret-value-42');
    const run = await store.startRun('reconcile', 'r');
    await store.finishRun(run, false, { failures: [{ message: 'failed with contract-secret-value-42' }] });
    await store.audit({ type: 't', subject: 's', message: 'contract-secret-value-42 leaked?' });
    await store.upsertTask(task('a'), run, 'app');
    await store.setTaskState('key-a', 'failed', 'failed', 'token contract-secret-value-42 refused');
    const all = JSON.stringify([await store.listRuns(), await store.listAudit(), await store.listTasks({})]);
    assert.doesNotMatch(all, /contract-secret-value-42/);
    assert.match(all, /\*\*\*/);
  });
}
