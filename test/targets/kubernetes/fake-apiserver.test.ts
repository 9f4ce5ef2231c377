// The fake API server keeps the Kubernetes API conventions the target relies on (README in
// test/fakes/kube-apiserver). Checked at the wire level with fetch.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startFakeKubeApiServer } from '../../fakes/kube-apiserver/index.js';

const cmPath = '/api/v1/namespaces/default/configmaps/app';
const applyCt = { 'content-type': 'application/apply-patch+yaml' };

async function call(url: string, method: string, body?: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method, body, headers });
  return { status: res.status, body: (await res.json()) as any };
}

test('server-side apply: create 201, no-op keeps resourceVersion, conflicts 409 unless forced, removal of dropped fields', async (t) => {
  const s = await startFakeKubeApiServer();
  t.after(() => s.stop());
  const yamlBody = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  labels: {tier: web}\ndata:\n  a: "1"\n  b: "2"\n';
  const created = await call(`${s.url}${cmPath}?fieldManager=boreas`, 'PATCH', yamlBody, applyCt);
  assert.equal(created.status, 201);
  assert.equal(created.body.metadata.generation, 1);
  const rv = created.body.metadata.resourceVersion;

  const again = await call(
    `${s.url}${cmPath}?fieldManager=boreas`,
    'PATCH',
    JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app', labels: { tier: 'web' } }, data: { a: '1', b: '2' } }),
    applyCt,
  );
  assert.equal(again.status, 200);
  assert.equal(again.body.metadata.resourceVersion, rv, 'an apply that changes nothing does not bump resourceVersion (JSON body accepted too)');

  // Another manager setting the same value shares ownership: no conflict.
  const shared = await call(
    `${s.url}${cmPath}?fieldManager=other`,
    'PATCH',
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata: {a: "1"}\n',
    applyCt,
  );
  assert.equal(shared.status, 200);
  // A different value conflicts.
  const conflict = await call(
    `${s.url}${cmPath}?fieldManager=other`,
    'PATCH',
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata: {b: "9"}\n',
    applyCt,
  );
  assert.equal(conflict.status, 409);
  assert.equal(conflict.body.kind, 'Status');
  assert.equal(conflict.body.reason, 'Conflict');
  assert.equal(conflict.body.code, 409);
  assert.match(conflict.body.message, /Apply failed with 1 conflict: conflict with "boreas" using v1: \.data\.b/);
  assert.equal(conflict.body.details.causes[0].field, '.data.b');
  const forced = await call(
    `${s.url}${cmPath}?fieldManager=other&force=true`,
    'PATCH',
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata: {b: "9"}\n',
    applyCt,
  );
  assert.equal(forced.status, 200);
  assert.equal(forced.body.data.b, '9');
  const owners = Object.fromEntries(forced.body.metadata.managedFields.map((m: any) => [m.manager, Object.keys(m.fieldsV1['f:data'] ?? {})]));
  // `other` now owns only what its last configuration set; `a` stays with boreas alone.
  assert.deepEqual(owners, { boreas: ['f:a'], other: ['f:b'] });

  // boreas drops `a` and the label: nobody else owns them, so they go; `b` belongs to `other` and stays.
  const dropped = await call(
    `${s.url}${cmPath}?fieldManager=boreas`,
    'PATCH',
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata: {c: "3"}\n',
    applyCt,
  );
  assert.deepEqual(dropped.body.data, { b: '9', c: '3' });
  assert.equal(dropped.body.metadata.labels, undefined);
  const other = await call(`${s.url}${cmPath}?fieldManager=other`, 'PATCH', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\n', applyCt);
  assert.deepEqual(other.body.data, { c: '3' }, 'fields nobody applies any more are removed');
});

test('dry-run does not persist; generation moves only with spec; errors are Status bodies', async (t) => {
  const s = await startFakeKubeApiServer();
  t.after(() => s.stop());
  const dep = (replicas: number, labels: Record<string, string> = {}) =>
    JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', labels },
      spec: {
        replicas,
        selector: { matchLabels: { a: 'b' } },
        template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'api', image: 'x:1' }] } },
      },
    });
  const path = `${s.url}/apis/apps/v1/namespaces/default/deployments/api`;
  const dry = await call(`${path}?fieldManager=boreas&dryRun=All`, 'PATCH', dep(1), applyCt);
  assert.equal(dry.status, 201);
  assert.equal(dry.body.spec.revisionHistoryLimit, 10, 'defaults are in the dry-run result');
  assert.equal((await call(path, 'GET')).status, 404);
  await call(`${path}?fieldManager=boreas`, 'PATCH', dep(1), applyCt);
  const relabelled = await call(`${path}?fieldManager=boreas`, 'PATCH', dep(1, { x: 'y' }), applyCt);
  assert.equal(relabelled.body.metadata.generation, 1, 'metadata changes do not bump generation');
  const scaled = await call(`${path}?fieldManager=boreas`, 'PATCH', dep(2, { x: 'y' }), applyCt);
  assert.equal(scaled.body.metadata.generation, 2);
  assert.ok(Number(scaled.body.metadata.resourceVersion) > Number(relabelled.body.metadata.resourceVersion));

  const missing = await call(`${s.url}/apis/apps/v1/namespaces/default/deployments/nope`, 'GET');
  assert.deepEqual(missing.body, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'deployments.apps "nope" not found',
    reason: 'NotFound',
    details: { name: 'nope', group: 'apps', kind: 'deployments' },
    code: 404,
  });
  const noNs = await call(
    `${s.url}/api/v1/namespaces/ghost/configmaps/x?fieldManager=boreas`,
    'PATCH',
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n',
    applyCt,
  );
  assert.equal(noNs.status, 404);
  assert.equal(noNs.body.message, 'namespaces "ghost" not found');
  const merge = await call(path, 'PATCH', '{}', { 'content-type': 'application/merge-patch+json' });
  assert.equal(merge.status, 415);
  const noManager = await call(path, 'PATCH', dep(1), applyCt);
  assert.equal(noManager.status, 400);

  const list = await call(`${s.url}/apis/apps/v1/namespaces/default/deployments?labelSelector=x%3Dy`, 'GET');
  assert.equal(list.body.kind, 'DeploymentList');
  assert.deepEqual(
    list.body.items.map((i: any) => i.metadata.name),
    ['api'],
  );
  assert.equal((await call(`${s.url}/apis/apps/v1/namespaces/default/deployments?labelSelector=x%3Dz`, 'GET')).body.items.length, 0);
  assert.equal((await call(`${s.url}/apis/apps/v1/namespaces/default/deployments?labelSelector=x!%3Dz`, 'GET')).body.items.length, 1);

  assert.equal((await call(path, 'DELETE')).status, 200);
  assert.equal((await call(path, 'DELETE')).status, 404);
  const c = s.counts();
  assert.equal(c.dryRuns, 1);
  assert.equal(c.writes, 8, 'rejected requests count as writes sent');
});

test('discovery serves a CRD group once the CRD is applied, with namespaced flags', async (t) => {
  const s = await startFakeKubeApiServer();
  t.after(() => s.stop());
  assert.equal((await call(`${s.url}/apis/example.com/v1`, 'GET')).status, 404);
  const core = await call(`${s.url}/api/v1`, 'GET');
  assert.deepEqual(
    core.body.resources.filter((r: any) => ['namespaces', 'configmaps'].includes(r.name)).map((r: any) => [r.name, r.namespaced]),
    [
      ['namespaces', false],
      ['configmaps', true],
    ],
  );
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'gadgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Cluster',
      names: { kind: 'Gadget', plural: 'gadgets' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  };
  await call(`${s.url}/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.example.com?fieldManager=t`, 'PATCH', JSON.stringify(crd), applyCt);
  const groups = await call(`${s.url}/apis`, 'GET');
  assert.ok(groups.body.groups.some((g: any) => g.name === 'example.com' && g.preferredVersion.groupVersion === 'example.com/v1'));
  const rl = await call(`${s.url}/apis/example.com/v1`, 'GET');
  assert.deepEqual(
    rl.body.resources.map((r: any) => [r.name, r.kind, r.namespaced]),
    [['gadgets', 'Gadget', false]],
  );
});
