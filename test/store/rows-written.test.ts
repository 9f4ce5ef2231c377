// A no-op reconcile must write zero rows: every write path that a no-op run takes is checked here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/store/index.js';
import { observed, resource, tempDir } from './fixtures.js';

test('repeating identical saveObserved / saveDesired / recordRevision / setKv writes zero rows', (t) => {
  const store = openSqliteStore(join(tempDir(t), 'state.db'));
  t.after(() => store.close());
  assert.equal(store.rowsWritten(), 0, 'opening (and migrating) is not counted');
  const desired = Array.from({ length: 50 }, (_, i) => resource(`app-${i}`));
  const obs = desired.map((r) => observed(r.id, { appliedHash: r.hash, details: { pid: 100, port: 8080 } }));
  const rev = { sha: 'abc', treeHash: 't', source: 'repo', ref: 'main', seenAt: 'now', valid: true };

  store.recordRevision(rev);
  store.saveDesired('abc', desired);
  store.saveObserved(obs);
  store.setKv('pins', 'apps', '{}');
  assert.equal(store.rowsWritten(), 1 + 1 + 50 + 1);

  const before = store.rowsWritten();
  store.recordRevision({ ...rev, seenAt: 'later' });
  store.saveDesired('abc', desired);
  // Same content with keys in another order is the same observation.
  store.saveObserved(obs.map((o) => ({ details: o.details, health: o.health, appliedHash: o.appliedHash, state: o.state, id: o.id })));
  store.setKv('pins', 'apps', '{}');
  assert.equal(store.rowsWritten() - before, 0);

  // One changed observation writes exactly one row.
  store.saveObserved([{ ...obs[7], details: { pid: 101, port: 8080 } }, ...obs.slice(8)]);
  assert.equal(store.rowsWritten() - before, 1);
});

test('rowsWritten counts inserts, updates and deletes of every table', (t) => {
  const store = openSqliteStore(join(tempDir(t), 'state.db'));
  t.after(() => store.close());
  const run = store.startRun('reconcile', 'r');
  assert.equal(store.rowsWritten(), 1);
  store.recordApplied(resource('a'), 'k', 'r');
  store.removeFromInventory(resource('a').id);
  assert.equal(store.rowsWritten(), 3);
  store.finishRun(run, true, {});
  store.audit({ type: 'x', subject: 'y', message: 'z' });
  store.setKv('a', 'b', 'c');
  store.setKv('a', 'b', undefined);
  assert.equal(store.rowsWritten(), 7);
});
