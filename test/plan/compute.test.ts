import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computePlan } from '../../src/plan/compute.js';
import { planToTasks } from '../../src/plan/tasks.js';
import type { DesiredResource, Json, ObservedResource } from '../../src/model/resource.js';
import { looseResource } from '../helpers/resources.js';
import type { InventoryItem } from '../../src/model/inventory.js';
import { hashJson } from '../../src/util/hash.js';

function resource(id: string, spec: Record<string, unknown>, dependsOn: string[] = []): DesiredResource {
  return looseResource({
    id,
    target: 'local',
    kind: 'Instance',
    owner: id.split('/')[2].replace(/-\d+$/, ''),
    environment: 'dev',
    name: id.split('/')[2],
    spec,
    hash: hashJson(spec),
    dependsOn,
  });
}
const healthy = { status: 'Healthy' as const, level: 100 };
const seen = (r: DesiredResource, extra: Partial<ObservedResource> = {}): ObservedResource => ({
  id: r.id,
  state: 'present',
  appliedHash: r.hash,
  appliedSpec: r.spec as Json,
  health: healthy,
  fingerprint: 'pid:1',
  ...extra,
});
const inv = (r: DesiredResource, key = 'k0'): InventoryItem => ({
  resource: r,
  appliedHash: r.hash,
  revision: 'rev0',
  lastTaskKey: key,
  appliedAt: '2026-01-01',
});

test('in-sync resources plan nothing', () => {
  const a = resource('local/Instance/a-0', { version: 'v1' });
  const plan = computePlan({ revision: 'r1', desired: [a], observed: new Map([[a.id, seen(a)]]), inventory: new Map([[a.id, inv(a)]]), prune: true });
  assert.equal(plan.changes.length, 0);
  assert.equal(plan.unchanged, 1);
});

test('create, update with field diff, repair on drift, prune', () => {
  const fresh = resource('local/Instance/new-0', { version: 'v1' });
  const oldB = resource('local/Instance/b-0', { version: 'v1' });
  const b = resource('local/Instance/b-0', { version: 'v2' });
  const c = resource('local/Instance/c-0', { version: 'v1' });
  const gone = resource('local/Instance/gone-0', { version: 'v1' });
  const plan = computePlan({
    revision: 'r2',
    desired: [fresh, b, c],
    observed: new Map([
      [b.id, seen(oldB)],
      [c.id, seen(c, { drift: ['process not running'] })],
      [gone.id, seen(gone)],
    ]),
    inventory: new Map([
      [b.id, inv(oldB)],
      [c.id, inv(c)],
      [gone.id, inv(gone)],
    ]),
    prune: true,
  });
  const byId = new Map(plan.changes.map((ch) => [ch.id, ch]));
  assert.equal(byId.get(fresh.id)?.action, 'create');
  assert.equal(byId.get(b.id)?.action, 'update');
  assert.deepEqual(byId.get(b.id)?.fields, [{ path: 'version', before: 'v1', after: 'v2' }]);
  assert.equal(byId.get(c.id)?.action, 'repair');
  assert.equal(byId.get(c.id)?.reason, 'Drifted');
  assert.equal(byId.get(gone.id)?.action, 'delete');

  const kept = computePlan({ revision: 'r2', desired: [], observed: new Map(), inventory: new Map([[gone.id, inv(gone)]]), prune: false });
  assert.equal(kept.changes.length, 0, '--no-prune deletes nothing');
  assert.equal(kept.orphans[0].id, gone.id, 'and reports the orphan');
});

test('task keys: stable for the same situation, new after a later repair', () => {
  const a = resource('local/Instance/a-0', { version: 'v1' });
  const obs = new Map([[a.id, { id: a.id, state: 'absent' as const, health: { status: 'Missing' as const, level: 0 } }]]);
  const p = computePlan({ revision: 'r', desired: [a], observed: obs, inventory: new Map(), prune: true });
  const k1 = planToTasks(p, { inventory: new Map(), batchSize: () => undefined })[0].key;
  const k1again = planToTasks(p, { inventory: new Map(), batchSize: () => undefined })[0].key;
  assert.equal(k1, k1again, 'a rerun after a crash computes the same key');
  // Later the process is killed: same desired content, same "absent" observation, but a previous key.
  const p2 = computePlan({ revision: 'r', desired: [a], observed: obs, inventory: new Map([[a.id, inv(a, k1)]]), prune: true });
  const k2 = planToTasks(p2, { inventory: new Map([[a.id, inv(a, k1)]]), batchSize: () => undefined })[0].key;
  assert.notEqual(k2, k1);
});

test('dependsOn becomes task order; deletes run dependents first; batches by ordinal', () => {
  const db = resource('local/Instance/db-0', { ordinal: 0 });
  const api0 = resource('local/Instance/api-0', { ordinal: 0 }, [db.id]);
  const api1 = resource('local/Instance/api-1', { ordinal: 1 }, [db.id]);
  const p = computePlan({ revision: 'r', desired: [db, api0, api1], observed: new Map(), inventory: new Map(), prune: true });
  const tasks = planToTasks(p, { inventory: new Map(), batchSize: (o) => (o === 'api' ? 1 : undefined) });
  const t = new Map(tasks.map((x) => [x.resourceId, x]));
  assert.deepEqual(t.get(api0.id)!.dependsOn, [t.get(db.id)!.key]);
  assert.equal(t.get(api0.id)!.resource.batch, 0);
  assert.equal(t.get(api1.id)!.resource.batch, 1);
  assert.equal(t.get(db.id)!.resource.batch, undefined);

  const del = computePlan({
    revision: 'r',
    desired: [],
    observed: new Map(),
    inventory: new Map([
      [db.id, inv(db)],
      [api0.id, inv(api0)],
    ]),
    prune: true,
  });
  const dt = new Map(
    planToTasks(del, {
      inventory: new Map([
        [db.id, inv(db)],
        [api0.id, inv(api0)],
      ]),
      batchSize: () => undefined,
    }).map((x) => [x.resourceId, x]),
  );
  assert.deepEqual(dt.get(db.id)!.dependsOn, [dt.get(api0.id)!.key], 'db is deleted after the app that needs it');
});

test('a re-create after a delete gets a new key (the delete is the tombstone)', () => {
  const a = resource('local/Instance/a-0', { version: 'v1' });
  const absent = new Map([[a.id, { id: a.id, state: 'absent' as const, health: { status: 'Missing' as const, level: 0 } }]]);
  const p = computePlan({ revision: 'r', desired: [a], observed: absent, inventory: new Map(), prune: true });
  const first = planToTasks(p, { inventory: new Map(), batchSize: () => undefined })[0].key;
  const again = planToTasks(p, { inventory: new Map(), batchSize: () => undefined, tombstone: () => 'delete-key' })[0].key;
  assert.notEqual(again, first);
});
