// Objects Boreas applied before and no longer desired are deleted; objects of others are left alone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KubeConfig, KubernetesObjectApi, loadYaml, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { desiredOf, namespaceObject, rawApp, startHarness, withRaw } from './harness.js';

const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { key: name } });

test('a ConfigMap removed from Git is deleted; a second run is a no-op; missing objects count as deleted', async (t) => {
  const h = await startHarness(t);
  const v1 = withRaw(h.manifests([rawApp('web')]), 'web', [namespaceObject('shop'), cm('a'), cm('b')]);
  const first = await h.reconcile(desiredOf(v1));
  assert.equal(first.plan.changes.length, 3);
  assert.ok(h.server.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'b' }));

  // Someone else's ConfigMap in the same namespace (another field manager, not in the inventory).
  const kc = new KubeConfig();
  kc.loadFromString(h.server.kubeconfig());
  await KubernetesObjectApi.makeApiClient(kc).patch(
    loadYaml<KubernetesObject>(JSON.stringify({ ...cm('theirs'), metadata: { name: 'theirs', namespace: 'shop' } })),
    undefined,
    undefined,
    'helm',
    true,
    PatchStrategy.ServerSideApply,
  );
  const v2 = withRaw(h.manifests([rawApp('web')]), 'web', [namespaceObject('shop'), cm('a')]);
  const plan = await h.plan(desiredOf(v2));
  assert.deepEqual(
    plan.changes.map((c) => `${c.action} ${c.reason} ${c.name}`),
    ['delete Pruned ConfigMap/shop/b'],
  );
  const run = await h.reconcile(desiredOf(v2));
  assert.equal(run.results.get(plan.changes[0].id)!.outcome, 'deleted');
  assert.equal(h.server.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'b' }), undefined);
  assert.ok(h.server.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'a' }));
  assert.ok(h.server.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'theirs' }), 'objects Boreas never applied are never pruned');
  assert.equal(h.inventory.size, 2);
  assert.equal((await h.plan(desiredOf(v2))).changes.length, 0);

  // Deleting what is already gone succeeds (404 = deleted), so a retried prune converges.
  const gone = await h.target.apply({
    key: 'k',
    revision: 'rev',
    resourceId: plan.changes[0].id,
    target: 'kubernetes:prod',
    action: 'delete',
    resource: desiredOf(v1).find((d) => d.name === 'ConfigMap/shop/b')!,
    dependsOn: [],
  });
  assert.equal(gone.outcome, 'deleted');
  assert.match(gone.message!, /already absent/);
});

test('observe finds objects without Boreas labels (adoption) and costs LISTs, not a GET per object', async (t) => {
  const h = await startHarness(t);
  const kc = new KubeConfig();
  kc.loadFromString(h.server.kubeconfig());
  const other = KubernetesObjectApi.makeApiClient(kc);
  await other.patch(loadYaml<KubernetesObject>(JSON.stringify(namespaceObject('shop'))), undefined, undefined, 'helm', true, PatchStrategy.ServerSideApply);
  await other.patch(
    loadYaml<KubernetesObject>(JSON.stringify({ ...cm('legacy'), metadata: { name: 'legacy', namespace: 'shop' } })),
    undefined,
    undefined,
    'helm',
    true,
    PatchStrategy.ServerSideApply,
  );
  const set = withRaw(h.manifests([rawApp('web')]), 'web', [namespaceObject('shop'), cm('legacy'), ...['a', 'b', 'c', 'd', 'e'].map(cm)]);
  h.server.resetCounts();
  const plan = await h.plan(desiredOf(set));
  assert.deepEqual(plan.changes.map((c) => `${c.action} ${c.name}`).sort(), [
    'create ConfigMap/shop/a',
    'create ConfigMap/shop/b',
    'create ConfigMap/shop/c',
    'create ConfigMap/shop/d',
    'create ConfigMap/shop/e',
    'update ConfigMap/shop/legacy',
    'update Namespace/_/shop',
  ]);
  const singleGets = h.server.requests.filter((r) => /^GET \/api\/v1\/namespaces\/shop\/configmaps\/[^?]+$/.test(r));
  assert.deepEqual(singleGets, []);
  assert.deepEqual(
    h.server.requests.filter((r) => r.startsWith('GET /api/v1/namespaces/shop/configmaps')).map((r) => decodeURIComponent(r)),
    ['GET /api/v1/namespaces/shop/configmaps?labelSelector=app.kubernetes.io/managed-by=boreas', 'GET /api/v1/namespaces/shop/configmaps'],
  );
});
