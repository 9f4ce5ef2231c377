import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.js';
import { observed, resource, task, tempDir } from './fixtures.js';
import type { TestContext } from 'node:test';

function open(t: TestContext): { store: SqliteStore; file: string } {
  const file = join(tempDir(t), 'state.db');
  const store = openSqliteStore(file);
  t.after(() => store.close());
  return { store, file };
}

test('revisions: recorded once, read back, validity refreshed', (t) => {
  const { store } = open(t);
  assert.equal(store.getRevision('abc'), undefined);
  store.recordRevision({ sha: 'abc', treeHash: 't1', source: 'repo', ref: 'main', seenAt: '2026-01-01T00:00:00.000Z', valid: false });
  store.recordRevision({ sha: 'abc', treeHash: 't1', source: 'repo', ref: 'main', seenAt: '2026-02-02T00:00:00.000Z', valid: true });
  assert.deepEqual(store.getRevision('abc'), { sha: 'abc', treeHash: 't1', source: 'repo', ref: 'main', seenAt: '2026-01-01T00:00:00.000Z', valid: true });
  store.recordRevision({ sha: 'wt', treeHash: 't2', source: 'dir', seenAt: 'x', valid: true });
  assert.equal(store.getRevision('wt')?.ref, undefined);
});

test('desired snapshots: stored once per revision; the first snapshot wins', (t) => {
  const { store } = open(t);
  const a = [resource('api-0'), resource('web-0', { dependsOn: ['local/Instance/api-0'], batch: 1, rendered: { '/etc/x': 'hello' } })];
  assert.equal(store.loadDesired('r1'), undefined);
  store.saveDesired('r1', a);
  store.saveDesired('r1', [resource('other')]);
  assert.deepEqual(store.loadDesired('r1'), a);
  store.saveDesired('r2', []);
  assert.deepEqual(store.loadDesired('r2'), []);
});

test('inventory: recordApplied upserts, listInventory filters by target, removeFromInventory deletes it and its observation', (t) => {
  const { store } = open(t);
  const api = resource('api-0');
  const remote = resource('db-0', { id: 'agent:n1/Instance/db-0', target: 'agent:n1' });
  store.recordApplied(api, 'k1', 'r1');
  store.recordApplied(remote, 'k2', 'r1');
  const changed = resource('api-0', { spec: { name: 'api-0', state: 'Running', port: 81 } });
  store.recordApplied(changed, 'k3', 'r2');
  const all = store.listInventory();
  assert.deepEqual(
    all.map((i) => i.resource.id),
    ['agent:n1/Instance/db-0', 'local/Instance/api-0'],
  );
  const local = store.listInventory('local');
  assert.equal(local.length, 1);
  assert.deepEqual(local[0].resource, changed);
  assert.equal(local[0].appliedHash, changed.hash);
  assert.equal(local[0].revision, 'r2');
  assert.equal(local[0].lastTaskKey, 'k3');
  assert.match(local[0].appliedAt, /^\d{4}-\d\d-\d\dT/);
  store.saveObserved([observed(api.id), observed(remote.id)]);
  store.removeFromInventory(api.id);
  assert.deepEqual(
    store.listInventory().map((i) => i.resource.id),
    [remote.id],
  );
  assert.deepEqual(
    store.listObserved().map((o) => o.id),
    [remote.id],
  );
});

test('observed: saveObserved upserts and listObserved returns what was saved', (t) => {
  const { store } = open(t);
  const o1 = observed('local/Instance/a', { appliedHash: 'h', details: { pid: 12 }, fingerprint: 'f' });
  store.saveObserved([o1, observed('local/Instance/b', { state: 'absent', health: { status: 'Missing', level: 0, message: 'gone' } })]);
  store.saveObserved([{ ...o1, details: { pid: 13 } }]);
  const list = store.listObserved();
  assert.equal(list.length, 2);
  assert.deepEqual(list[0].details, { pid: 13 });
  assert.equal(list[1].health.message, 'gone');
});

test('runs: start, finish, list newest first', (t) => {
  const { store } = open(t);
  const r1 = store.startRun('reconcile', 'r1');
  const r2 = store.startRun('down', 'down');
  assert.ok(r2 > r1);
  store.finishRun(r1, true, { tasks: 3 });
  const runs = store.listRuns();
  assert.deepEqual(
    runs.map((r) => r.id),
    [r2, r1],
  );
  assert.equal(runs[1].converged, true);
  assert.deepEqual(runs[1].summary, { tasks: 3 });
  assert.ok(runs[1].finishedAt);
  assert.equal(runs[0].finishedAt, undefined);
  assert.equal(store.listRuns(1).length, 1);
});

test('tasks: upsert inserts pending, states and attempts are recorded, a succeeded key is never reset', (t) => {
  const { store } = open(t);
  const run1 = store.startRun('reconcile', 'rev1');
  const a = task('a', { dependsOn: ['key-b'] });
  const rec = store.upsertTask(a, run1, 'app');
  assert.equal(rec.state, 'pending');
  assert.equal(rec.attempts, 0);
  assert.deepEqual(rec.dependsOn, ['key-b']);
  assert.equal(rec.owner, 'app');
  store.setTaskState(a.key, 'running');
  store.recordAttempt(a.key, 'failed', 'boom', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z');
  store.recordAttempt(a.key, 'created', undefined, '2026-01-01T00:00:02.000Z', '2026-01-01T00:00:03.000Z');
  store.setTaskState(a.key, 'failed', 'failed', 'health timeout');
  assert.deepEqual(store.listAttempts(a.key), [
    { attempt: 1, runId: run1, outcome: 'failed', message: 'boom', startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:01.000Z' },
    { attempt: 2, runId: run1, outcome: 'created', startedAt: '2026-01-01T00:00:02.000Z', finishedAt: '2026-01-01T00:00:03.000Z' },
  ]);
  assert.deepEqual(
    { ...store.getTask(a.key), createdAt: '', updatedAt: '' },
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
  const run2 = store.startRun('reconcile', 'rev1');
  const again = store.upsertTask(a, run2, 'app');
  assert.equal(again.state, 'pending');
  assert.equal(again.runId, run2);
  assert.equal(again.outcome, undefined);
  assert.equal(again.attempts, 2);
  store.recordAttempt(a.key, 'created', undefined, 'x', 'y');
  store.setTaskState(a.key, 'succeeded', 'created');
  assert.equal(store.getTask(a.key)?.attempts, 3);
  assert.deepEqual(
    store.listAttempts(a.key).map((x) => [x.attempt, x.runId]),
    [
      [1, run1],
      [2, run1],
      [3, run2],
    ],
  );

  // Succeeded is final: upsert returns it unchanged and writes nothing.
  const run3 = store.startRun('reconcile', 'rev1');
  const before = store.rowsWritten();
  const done = store.upsertTask(a, run3, 'app');
  assert.equal(store.rowsWritten(), before);
  assert.equal(done.state, 'succeeded');
  assert.equal(done.runId, run2);

  assert.throws(() => store.setTaskState('nope', 'running'), /unknown task nope/);
  assert.throws(() => store.recordAttempt('nope', 'failed', undefined, 'x', 'y'), /unknown task nope/);
});

test('tasks: listTasks filters by run, revision and state', (t) => {
  const { store } = open(t);
  const run1 = store.startRun('reconcile', 'rev1');
  const run2 = store.startRun('reconcile', 'rev2');
  store.upsertTask(task('a'), run1, 'app');
  store.upsertTask(task('b', { revision: 'rev2' }), run2, 'app');
  store.upsertTask(task('c', { revision: 'rev2' }), run2, 'app');
  store.setTaskState('key-c', 'succeeded', 'created');
  assert.deepEqual(
    store.listTasks({ runId: run1 }).map((x) => x.key),
    ['key-a'],
  );
  assert.deepEqual(
    store
      .listTasks({ revision: 'rev2' })
      .map((x) => x.key)
      .sort(),
    ['key-b', 'key-c'],
  );
  assert.deepEqual(
    store.listTasks({ runId: run2, state: 'succeeded' }).map((x) => x.key),
    ['key-c'],
  );
  assert.deepEqual(
    store.listTasks({}).map((x) => x.key),
    ['key-a', 'key-b', 'key-c'],
    'in insertion order',
  );
});

test('tasks must belong to a run that exists (foreign keys are enforced)', (t) => {
  const { store } = open(t);
  assert.throws(() => store.upsertTask(task('a'), 999, 'app'), /FOREIGN KEY/);
});

test('app revisions: newest first per application', (t) => {
  const { store } = open(t);
  const run = store.startRun('reconcile', 'r1');
  store.recordAppRevision({ application: 'api', revision: 'r1', runId: run, result: 'succeeded', desiredHash: 'h1' });
  store.recordAppRevision({ application: 'web', revision: 'r1', runId: run, result: 'failed', desiredHash: 'h2' });
  store.recordAppRevision({ application: 'api', revision: 'r2', runId: run, result: 'failed', desiredHash: 'h3' });
  const api = store.listAppRevisions('api');
  assert.deepEqual(
    api.map((r) => [r.revision, r.result, r.desiredHash]),
    [
      ['r2', 'failed', 'h3'],
      ['r1', 'succeeded', 'h1'],
    ],
  );
  assert.ok(api[0].at);
  assert.deepEqual(store.listAppRevisions('nope'), []);
});

test('audit events and kv', (t) => {
  const { store } = open(t);
  store.audit({ type: 'rollback', subject: 'api', message: 'pinned to r1', data: { to: 'r1' } });
  store.audit({ type: 'prune', subject: 'web', message: 'deleted' });
  const api = store.listAudit('api');
  assert.equal(api.length, 1);
  assert.deepEqual(api[0].data, { to: 'r1' });
  assert.deepEqual(
    store.listAudit().map((e) => e.type),
    ['prune', 'rollback'],
  );

  assert.equal(store.getKv('pins', 'apps'), undefined);
  store.setKv('pins', 'apps', '{"a":1}');
  assert.equal(store.getKv('pins', 'apps'), '{"a":1}');
  store.setKv('pins', 'apps', '{"a":2}');
  assert.equal(store.getKv('pins', 'apps'), '{"a":2}');
  assert.equal(store.getKv('other', 'apps'), undefined);
  store.setKv('pins', 'apps', undefined);
  assert.equal(store.getKv('pins', 'apps'), undefined);
});

test('transaction: all or nothing', (t) => {
  const { store } = open(t);
  assert.throws(() =>
    store.transaction(() => {
      store.setKv('a', 'b', 'c');
      throw new Error('abort');
    }),
  );
  assert.equal(store.getKv('a', 'b'), undefined);
  assert.equal(
    store.transaction(() => 42),
    42,
  );
});

test('data survives close and reopen', (t) => {
  const { store, file } = open(t);
  store.recordApplied(resource('api-0'), 'k', 'r');
  store.setKv('n', 'k', 'v');
  store.close();
  const again = openSqliteStore(file);
  t.after(() => again.close());
  assert.equal(again.listInventory().length, 1);
  assert.equal(again.getKv('n', 'k'), 'v');
});
