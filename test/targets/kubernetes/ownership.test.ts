// Ownership safety: two installations (two state files, so two state ids) on one cluster, and two
// applications of one installation, never take objects from each other silently. An object carrying
// another owner's labels is blocked as `adopt (owned by ...)` until its application sets
// `kubernetes.adopt: true`; then the plan says adopt and the reconcile relabels it. A prune never
// deletes what another owner manages now.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderPlanText } from '../../../src/report/plan-text.js';
import { desiredOf, rawApp, startHarness, withRaw } from './harness.js';

const settings = (mode: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default' }, data: { mode } });
const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'settings' };
const metadata = (h: Awaited<ReturnType<typeof startHarness>>) => h.server.get(ref)!.metadata as { labels: Record<string, string>; resourceVersion: string };
const labels = (h: Awaited<ReturnType<typeof startHarness>>) => metadata(h).labels;

test('another installation and another application are refused until the app opts in to adopt; prune leaves taken objects alone', async (t) => {
  const a = await startHarness(t);
  const b = await startHarness(t, { server: a.server });
  const desiredOfApp = (h: typeof a, app: ReturnType<typeof rawApp>, mode: string) =>
    desiredOf(withRaw(h.manifests([app]), app.metadata.name, [settings(mode)] as never[]));

  await a.reconcile(desiredOfApp(a, rawApp('web'), 'a'));
  const first = labels(a);
  assert.equal(first['boreas.dev/application'], 'web');
  assert.match(first['boreas.dev/state-id'], /^[0-9a-f]{12}$/, 'objects carry the id of the state file that applied them');

  // Installation B, application shop, same object: blocked, nothing written.
  const shop = desiredOfApp(b, rawApp('shop'), 'b');
  const refused = await b.plan(shop);
  assert.deepEqual(refused.changes, []);
  assert.deepEqual(
    refused.blocked?.map((x) => x.message),
    [
      `adopt (owned by another Boreas installation (state ${first['boreas.dev/state-id']})): refused; set kubernetes.adopt: true in Application shop to take it over`,
    ],
  );
  assert.match(renderPlanText(refused, { color: false }), /x ConfigMap\/default\/settings \(shop\): adopt \(owned by another Boreas installation/);
  const rv = metadata(a).resourceVersion;
  await b.reconcile(shop);
  assert.equal(metadata(a).resourceVersion, rv, 'B wrote nothing');

  // Within installation A an object may move to another application (A applied it: its inventory says so).
  const moved = await a.plan(desiredOfApp(a, rawApp('admin'), 'a'));
  assert.deepEqual(
    moved.changes.map((c) => `${c.action} ${c.name}`),
    ['update ConfigMap/default/settings'],
  );
  assert.equal(moved.blocked, undefined);

  // An object labelled by an application but by no state file (applied by an older Boreas): another owner too.
  a.server.editAs('kubectl-label', ref, (o: any) => void delete o.metadata.labels['boreas.dev/state-id']);
  const legacy = await b.plan(shop);
  assert.deepEqual(
    legacy.blocked?.map((x) => x.message),
    ['adopt (owned by application web): refused; set kubernetes.adopt: true in Application shop to take it over'],
  );

  // B opts in: the plan says adopt, the reconcile takes it over.
  const adopting = desiredOfApp(b, rawApp('shop', { adopt: true }), 'b');
  const plan = await b.plan(adopting);
  assert.deepEqual(
    plan.changes.map((c) => `${c.action} ${c.reason} ${c.name}: ${c.message}`),
    ['adopt OwnedElsewhere ConfigMap/default/settings: adopt (owned by application web): taken over (kubernetes.adopt: true)'],
  );
  assert.match(
    renderPlanText(plan, { color: false }),
    /~ KubeObject ConfigMap\/default\/settings \(OwnedElsewhere: adopt \(owned by application web\): taken over \(kubernetes\.adopt: true\)\)/,
  );
  const run = await b.reconcile(adopting);
  assert.equal([...run.results.values()][0].outcome, 'configured');
  const taken = labels(b);
  assert.equal(taken['boreas.dev/application'], 'shop');
  assert.notEqual(taken['boreas.dev/state-id'], first['boreas.dev/state-id']);
  assert.equal((b.server.get(ref) as { data: { mode: string } }).data.mode, 'b');

  // A no longer owns it: its plan blocks it, and pruning it (web removed from Git) only forgets it.
  const back = await a.plan(desiredOfApp(a, rawApp('web'), 'a'));
  assert.match(back.blocked?.[0]?.message ?? '', /^adopt \(owned by another Boreas installation \(state [0-9a-f]{12}\)\): refused/);
  const pruned = await a.reconcile([]);
  assert.deepEqual(
    pruned.plan.changes.map((c) => `${c.action} ${c.message}`),
    [`delete no longer in Git; another Boreas installation (state ${taken['boreas.dev/state-id']}) manages it now, so it is forgotten, not deleted`],
  );
  assert.match([...pruned.results.values()][0].message ?? '', /left in place: owned by another Boreas installation/);
  assert.ok(a.server.get(ref), 'still there');
  assert.equal(a.inventory.size, 0, 'and forgotten by A');
});
