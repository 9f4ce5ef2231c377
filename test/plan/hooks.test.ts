// Sync hooks in the pure planner: a hook runs with the first sync, again whenever its owner changes
// (re-created when it still exists: BeforeHookCreation), and counts as in sync after its delete
// policy removed it; a failed one runs again. Ordering reaches through waves that do not change.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InventoryItem } from '../../src/model/inventory.js';
import type { DesiredResource, HookPolicy, ObservedResource } from '../../src/model/resource.js';
import { computePlan } from '../../src/plan/compute.js';
import { planToTasks } from '../../src/plan/tasks.js';
import { hashJson } from '../../src/util/hash.js';
import { absent, looseResource, present } from '../helpers/resources.js';

const res = (name: string, spec: Record<string, unknown>, dependsOn: string[] = [], hook?: HookPolicy): DesiredResource => {
  const r = looseResource({
    id: `kubernetes:prod/KubeObject/${name}`,
    target: 'kubernetes:prod',
    kind: 'KubeObject',
    owner: 'guestbook',
    environment: 'prod',
    name,
    spec,
    hash: hashJson(spec),
    dependsOn,
  });
  if (hook) r.hook = hook;
  return r;
};
const inv = (r: DesiredResource, hash = r.hash): InventoryItem => ({
  resource: r,
  appliedHash: hash,
  revision: 'r0',
  lastTaskKey: `k-${r.id}`,
  appliedAt: 'then',
});
const deleteOnSuccess: HookPolicy = { recreate: true, deleteOnSuccess: true, deleteOnFailure: false };
const recreate: HookPolicy = { recreate: true, deleteOnSuccess: false, deleteOnFailure: false };

function plan(desired: DesiredResource[], observed: ObservedResource[], inventory: InventoryItem[], unsettled: Record<string, string> = {}) {
  return computePlan({
    revision: 'r1',
    desired,
    observed: new Map(observed.map((o) => [o.id, o])),
    inventory: new Map(inventory.map((i) => [i.resource.id, i])),
    prune: true,
    unsettled: (id) => unsettled[id],
  });
}
const lines = (p: ReturnType<typeof plan>) => p.changes.map((c) => `${c.action} ${c.reason} ${c.name}`);

test('a hook that ran and was deleted is in sync; it runs again (re-created if present) when its owner changes', () => {
  const migrate = res('migrate', { image: 'm:1' }, [], deleteOnSuccess);
  const web = res('web', { image: 'w:1' }, [migrate.id]);
  const notify = res('notify', { image: 'n:1' }, [web.id], recreate);
  const all = [migrate, web, notify];

  // First sync: everything is created.
  assert.deepEqual(
    lines(
      plan(
        all,
        all.map((r) => absent(r.id)),
        [],
      ),
    ),
    ['create NotFound migrate', 'create NotFound notify', 'create NotFound web'],
  );

  // After it: migrate was deleted by HookSucceeded, notify is still there, web is in sync.
  const after = [absent(migrate.id), present(web.id, { appliedHash: web.hash }), present(notify.id, { appliedHash: notify.hash })];
  const settled = plan(
    all,
    after,
    all.map((r) => inv(r)),
  );
  assert.deepEqual(settled.changes, [], 'no hook runs while nothing else of its owner changes');
  assert.equal(settled.unchanged, 3);

  // web's image changes: both hooks run again; notify, still present, is re-created.
  const web2 = res('web', { image: 'w:2' }, [migrate.id]);
  const next = plan(
    [migrate, web2, notify],
    after,
    all.map((r) => inv(r)),
  );
  assert.deepEqual(lines(next), ['create HookRerun migrate', 'update SpecChanged web', 'replace HookRerun notify']);
  assert.match(next.changes.find((c) => c.name === 'notify')!.message, /hook runs again: application guestbook changes \(re-created: BeforeHookCreation\)/);

  // A hook that did not succeed runs again even when nothing else changes.
  assert.deepEqual(
    lines(
      plan(
        all,
        after,
        all.map((r) => inv(r)),
        { [migrate.id]: 'job failed' },
      ),
    ),
    ['create Unhealthy migrate'],
  );
  // A drift repair of web is not a sync: hooks stay as they are.
  assert.deepEqual(
    lines(
      plan(
        all,
        [after[0], { ...after[1], drift: ['spec.replicas changed on the cluster'] }, after[2]],
        all.map((r) => inv(r)),
      ),
    ),
    ['repair Drifted web'],
  );
});

test('ordering reaches through resources that do not change: a wave after an unchanged wave waits for the re-run PreSync hook', () => {
  const migrate = res('migrate', { image: 'm:1' }, [], deleteOnSuccess);
  const config = res('config', { a: 1 }, [migrate.id]);
  const web = res('web', { image: 'w:1' }, [config.id]);
  const web2 = res('web', { image: 'w:2' }, [config.id]);
  const observed = [absent(migrate.id), present(config.id, { appliedHash: config.hash }), present(web.id, { appliedHash: web.hash })];
  const inventory = [inv(migrate), inv(config), inv(web)];
  const p = plan([migrate, config, web2], observed, inventory);
  assert.deepEqual(lines(p), ['create HookRerun migrate', 'update SpecChanged web']);
  const byId = new Map([migrate, config, web2].map((r) => [r.id, r]));
  const tasks = planToTasks(p, { inventory: new Map(inventory.map((i) => [i.resource.id, i])), batchSize: () => undefined, resourceOf: (id) => byId.get(id) });
  const hookTask = tasks.find((t) => t.resourceId === migrate.id)!;
  assert.deepEqual(tasks.find((t) => t.resourceId === web.id)!.dependsOn, [hookTask.key], 'web waits for the hook through the unchanged config wave');
});
