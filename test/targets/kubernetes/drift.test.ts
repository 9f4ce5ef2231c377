// `kubectl edit` of a field Boreas manages shows as drift in the plan and the next reconcile restores
// it; fields Boreas does not manage (or server defaults) are not drift.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildNamespaceResource } from '../../../src/desired/kubernetes/index.js';
import { containerApp, desiredOf, namespaceObject, rawApp, startHarness, withNamespace, withRaw } from './harness.js';

const ref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'api' };

test('a kubectl edit of spec.replicas is drift; reconcile takes the field back', async (t) => {
  const h = await startHarness(t);
  const set = h.manifests([containerApp('api', { replicas: 2 })]);
  const desired = withNamespace(desiredOf(set), buildNamespaceResource(set.environments.get('prod')!));
  await h.reconcile(desired);

  h.server.editAs('kubectl-edit', ref, (o: any) => {
    o.spec.replicas = 7;
  });
  const edited = h.server.get(ref)! as any;
  assert.equal(edited.spec.replicas, 7);
  assert.ok(
    edited.metadata.managedFields.some((m: any) => m.manager === 'kubectl-edit' && m.fieldsV1['f:spec']['f:replicas']),
    'the editor now owns spec.replicas',
  );

  const plan = await h.plan(desired);
  assert.deepEqual(
    plan.changes.map((c) => `${c.action} ${c.reason} ${c.name}`),
    ['repair Drifted Deployment/shop/api'],
  );
  assert.match(plan.changes[0].message, /spec\.replicas changed on the cluster/);
  assert.deepEqual(plan.changes[0].fields, [{ path: 'spec.replicas', before: 7, after: 2 }], 'the field diff shows live → Git');

  const run = await h.reconcile(desired);
  assert.equal(run.results.get(plan.changes[0].id)!.outcome, 'configured');
  const restored = h.server.get(ref)! as any;
  assert.equal(restored.spec.replicas, 2);
  assert.ok(!restored.metadata.managedFields.some((m: any) => m.manager === 'kubectl-edit'), 'ownership moved back to boreas (forced apply)');

  h.server.resetCounts();
  assert.equal((await h.plan(desired)).changes.length, 0);
  assert.equal(h.server.counts().writes, 0);
});

test('edits of fields Boreas does not set are not drift', async (t) => {
  const h = await startHarness(t);
  const set = h.manifests([containerApp('api')]);
  const desired = withNamespace(desiredOf(set), buildNamespaceResource(set.environments.get('prod')!));
  await h.reconcile(desired);
  h.server.editAs('kubectl-edit', ref, (o: any) => {
    o.metadata.labels['team'] = 'payments';
    o.spec.template.spec.terminationGracePeriodSeconds = 60; // a defaulted field nobody applied
  });
  const plan = await h.plan(desired);
  assert.deepEqual(plan.changes, []);
});

test('a field removed by hand is drift and comes back', async (t) => {
  const h = await startHarness(t);
  const set = h.manifests([containerApp('api', { env: { MODE: 'prod' } })]);
  const desired = withNamespace(desiredOf(set), buildNamespaceResource(set.environments.get('prod')!));
  await h.reconcile(desired);
  h.server.editAs('kubectl-edit', ref, (o: any) => {
    delete o.spec.template.spec.containers[0].env;
  });
  const plan = await h.plan(desired);
  assert.equal(plan.changes.length, 1);
  assert.match(plan.changes[0].message, /spec\.template\.spec\.containers\[name=api\]\.env changed on the cluster/);
  await h.reconcile(desired);
  assert.deepEqual((h.server.get(ref) as any).spec.template.spec.containers[0].env, [{ name: 'MODE', value: 'prod' }]);
});

test('removing the spec-hash annotation or a Boreas label by hand is drift and is restored', async (t) => {
  const h = await startHarness(t);
  const set = h.manifests([containerApp('api')]);
  const desired = withNamespace(desiredOf(set), buildNamespaceResource(set.environments.get('prod')!));
  await h.reconcile(desired);
  h.server.editAs('kubectl-edit', ref, (o: any) => {
    delete o.metadata.annotations['boreas.dev/spec-hash'];
    delete o.metadata.labels['boreas.dev/application'];
  });
  const plan = await h.plan(desired);
  assert.deepEqual(
    plan.changes.map((c) => `${c.action} ${c.name}`),
    ['repair Deployment/shop/api'],
  );
  assert.match(plan.changes[0].message, /metadata\.annotations\.boreas\.dev\/spec-hash changed on the cluster/);
  assert.match(plan.changes[0].message, /metadata\.labels\.boreas\.dev\/application changed on the cluster/);
  await h.reconcile(desired);
  const md = (h.server.get(ref) as any).metadata;
  assert.equal(md.labels['boreas.dev/application'], 'api');
  assert.ok(md.annotations['boreas.dev/spec-hash']);
  assert.equal((await h.plan(desired)).changes.length, 0);
});

test('drift of a Secret never puts the live value into the plan', async (t) => {
  const h = await startHarness(t);
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, type: 'Opaque', data: { password: 'Z2l0LXZhbHVl' } };
  const set = withRaw(h.manifests([rawApp('db')]), 'db', [namespaceObject('shop'), secret as any]);
  const desired = desiredOf(set);
  await h.reconcile(desired);
  h.server.editAs('kubectl-edit', { apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: 'db' }, (o: any) => {
    o.data.password = 'TEVBS0VEIQ==';
    o.data.extra = 'TEVBS0VEMg==';
  });
  const plan = await h.plan(desired);
  assert.deepEqual(
    plan.changes.map((c) => `${c.action} ${c.name}`),
    ['repair Secret/shop/db'],
  );
  const text = JSON.stringify(plan);
  assert.ok(!text.includes('TEVBS0VE'), 'no live secret value in the plan');
  assert.ok(
    plan.changes[0].fields.some((f) => f.path === 'data.password' && f.before === '(sensitive)'),
    JSON.stringify(plan.changes[0].fields),
  );
  await h.reconcile(desired);
  assert.equal((h.server.get({ apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: 'db' }) as any).data.password, 'Z2l0LXZhbHVl');
});

test('drift of a Deployment whose env has a valueFrom reference shows only the drifted field, never the value', async (t) => {
  process.env.BOREAS_TEST_DRIFT_DB_PASS = 'drift-db-secret-41f7';
  t.after(() => delete process.env.BOREAS_TEST_DRIFT_DB_PASS);
  const h = await startHarness(t);
  const set = h.manifests([containerApp('api', { replicas: 2, env: { DB_PASSWORD: { valueFrom: { env: 'BOREAS_TEST_DRIFT_DB_PASS' } }, MODE: 'prod' } })]);
  const desired = withNamespace(desiredOf(set), buildNamespaceResource(set.environments.get('prod')!));
  await h.reconcile(desired);
  h.server.editAs('kubectl-edit', ref, (o: any) => {
    o.spec.replicas = 7;
  });
  const plan = await h.plan(desired);
  assert.deepEqual(
    plan.changes.map((c) => `${c.action} ${c.name}`),
    ['repair Deployment/shop/api'],
  );
  assert.deepEqual(plan.changes[0].fields, [{ path: 'spec.replicas', before: 7, after: 2 }], 'the env item with a reference is not a change');
  assert.ok(!JSON.stringify(plan).includes('drift-db-secret-41f7'), 'no resolved value in the plan');
});

test('a drift check the server cannot answer (500 on the dry-run) makes the object Unknown, not drifted', async (t) => {
  const h = await startHarness(t);
  const set = h.manifests([containerApp('api', { replicas: 2 })]);
  const desired = withNamespace(desiredOf(set), buildNamespaceResource(set.environments.get('prod')!));
  await h.reconcile(desired);
  h.server.editAs('kubectl-edit', ref, (o: any) => {
    o.spec.replicas = 7;
  });
  h.server.injectFault(/^PATCH \/apis\/apps\/v1\/namespaces\/shop\/deployments\/api\?.*dryRun=All/, {
    code: 500,
    reason: 'InternalError',
    message: 'Internal error occurred: etcdserver: request timed out',
  });
  const plan = await h.plan(desired);
  assert.deepEqual(plan.changes, [], 'no repair planned from a check that did not happen');
  assert.deepEqual(
    plan.unknown.map((u) => `${u.name}: ${u.cause.message}`),
    ['Deployment/shop/api: cluster prod: 500 InternalError: Internal error occurred: etcdserver: request timed out'],
  );
  assert.deepEqual(
    (await h.plan(desired)).changes.map((c) => `${c.action} ${c.name}`),
    ['repair Deployment/shop/api'],
    'answered again, the drift shows',
  );
});
