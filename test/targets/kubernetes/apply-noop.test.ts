// Apply creates the objects of a container app; a second reconcile plans nothing and writes nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderPlanText } from '../../../src/report/plan-text.js';
import { testScope, testTargetContext } from '../../helpers/targets.js';
import { buildNamespaceResource } from '../../../src/desired/kubernetes/index.js';
import { containerApp, desiredOf, startHarness, withNamespace } from './harness.js';

test('first reconcile creates Namespace, Deployment and Service; second run sends zero writes', async (t) => {
  const h = await startHarness(t);
  const set = h.manifests([containerApp('api', { replicas: 3, env: { LOG_LEVEL: 'debug' }, health: { http: { port: 'http', path: '/healthz' } } })]);
  const desired = withNamespace(desiredOf(set), buildNamespaceResource(set.environments.get('prod')!));

  const first = await h.reconcile(desired);
  assert.deepEqual(
    first.plan.changes.map((c) => `${c.action} ${c.name}`),
    ['create Deployment/shop/api', 'create Service/shop/api', 'create Namespace/_/shop'],
  );
  assert.deepEqual(first.order, ['create Namespace/_/shop', 'create Deployment/shop/api', 'create Service/shop/api'], 'the namespace goes first');
  assert.ok(
    [...first.results.values()].every((r) => r.outcome === 'created'),
    JSON.stringify([...first.results.values()]),
  );

  const dep = h.server.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'api' })!;
  const md = dep.metadata as any;
  assert.equal(md.labels['app.kubernetes.io/managed-by'], 'boreas');
  assert.equal(md.labels['boreas.dev/application'], 'api');
  assert.equal(md.annotations['boreas.dev/spec-hash'], desired.find((d) => d.name === 'Deployment/shop/api')!.hash);
  assert.deepEqual(
    md.managedFields.map((m: any) => [m.manager, m.operation]),
    [['boreas', 'Apply']],
  );
  const c = (dep.spec as any).template.spec.containers[0];
  assert.equal((dep.spec as any).replicas, 3);
  assert.equal(c.image, 'registry.local/api:1.0');
  assert.deepEqual(c.env, [{ name: 'LOG_LEVEL', value: 'debug' }]);
  assert.deepEqual(c.readinessProbe.httpGet, { path: '/healthz', port: 'http', scheme: 'HTTP' });
  const svc = h.server.get({ apiVersion: 'v1', kind: 'Service', namespace: 'shop', name: 'api' })!;
  assert.deepEqual((svc.spec as any).selector, { 'boreas.dev/application': 'api' });

  h.server.resetCounts();
  const second = await h.reconcile(desired);
  assert.equal(second.plan.changes.length, 0, JSON.stringify(second.plan.changes.map((c) => c.message)));
  assert.equal(second.plan.unchanged, 3);
  const counts = h.server.counts();
  assert.equal(counts.writes, 0, `writes sent: ${h.server.requests.filter((r) => !r.startsWith('GET') && !r.includes('dryRun=All')).join(', ')}`);
  assert.equal(counts.dryRuns, 0, 'live objects already hold every applied field: no dry-run needed');
  assert.deepEqual(
    h.server.requests.map((r) => r.split('?')[0]).sort(),
    ['GET /api/v1/namespaces', 'GET /api/v1/namespaces/shop/services', 'GET /apis/apps/v1/namespaces/shop/deployments'],
    'one LIST per kind and namespace',
  );
});

test('a changed image plans an update with a field diff and applies it', async (t) => {
  const h = await startHarness(t);
  const ns = (set: ReturnType<typeof h.manifests>) => withNamespace(desiredOf(set), buildNamespaceResource(set.environments.get('prod')!));
  await h.reconcile(ns(h.manifests([containerApp('api')])));
  const v2 = containerApp('api', { kubernetes: { container: { image: 'registry.local/api:2.0' } } });
  const r = await h.reconcile(ns(h.manifests([v2])));
  assert.deepEqual(
    r.plan.changes.map((c) => `${c.action} ${c.reason} ${c.name}`),
    ['update SpecChanged Deployment/shop/api'],
  );
  assert.ok(
    r.plan.changes[0].fields.some((f) => f.path.includes('image') && f.after === 'registry.local/api:2.0'),
    JSON.stringify(r.plan.changes[0].fields),
  );
  // the plan names list items the way validate, drift and API refusals do
  assert.match(
    renderPlanText(r.plan, { color: false }),
    /spec\.template\.spec\.containers\[name=api\]\.image: "registry\.local\/api:1\.0" → "registry\.local\/api:2\.0"/,
  );
  const dep = h.server.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'api' })!;
  assert.equal((dep.spec as any).template.spec.containers[0].image, 'registry.local/api:2.0');
  assert.equal((dep.metadata as any).generation, 2);
});

test('env valueFrom is resolved only in the request; removing a variable from Git removes it from the cluster', async (t) => {
  const h = await startHarness(t);
  process.env.BOREAS_TEST_DB_PASSWORD = 's3cret-value';
  t.after(() => delete process.env.BOREAS_TEST_DB_PASSWORD);
  const mk = (env: Record<string, any>) => {
    const set = h.manifests([containerApp('api', { env })]);
    return withNamespace(desiredOf(set), buildNamespaceResource(set.environments.get('prod')!));
  };
  const desired = mk({ DB_PASSWORD: { valueFrom: { env: 'BOREAS_TEST_DB_PASSWORD' } }, OLD: 'x' });
  await h.reconcile(desired);
  const ref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'api' };
  assert.deepEqual((h.server.get(ref) as any).spec.template.spec.containers[0].env, [
    { name: 'DB_PASSWORD', value: 's3cret-value' },
    { name: 'OLD', value: 'x' },
  ]);
  const stored = JSON.stringify([...h.inventory.values()]);
  assert.ok(!stored.includes('s3cret-value'), 'the inventory holds the reference, not the value');
  assert.equal((await h.plan(desired)).changes.length, 0, 'the resolved value is not drift');

  await h.reconcile(mk({ DB_PASSWORD: { valueFrom: { env: 'BOREAS_TEST_DB_PASSWORD' } } }));
  assert.deepEqual((h.server.get(ref) as any).spec.template.spec.containers[0].env, [{ name: 'DB_PASSWORD', value: 's3cret-value' }]);
});

test('an unknown kubeconfig context is a clear user error naming the environment', async (t) => {
  const h = await startHarness(t);
  const env = structuredClone(h.env);
  env.spec.kubernetes!.context = 'staging';
  const { createKubernetesTargetFactory } = await import('../../../src/targets/kubernetes/index.js');
  await assert.rejects(
    async () => createKubernetesTargetFactory().create('kubernetes:prod', testTargetContext(), testScope({ environments: [env] })),
    (err: Error) => err.name === 'UserError' && /environment prod: context "staging" is not in the kubeconfig \(known: fake\)/.test(err.message),
  );
});

test('kubeconfigFrom env holding a path, and $KUBECONFIG when kubeconfigFrom is absent, both reach the cluster', async (t) => {
  const h = await startHarness(t);
  const { createKubernetesTargetFactory } = await import('../../../src/targets/kubernetes/index.js');
  const file = h.env.spec.kubernetes!.kubeconfigFrom!.file!;
  const ns = buildNamespaceResource({ manifest: h.env, origin: { file: 'e', docIndex: 0, line: 1, col: 1 } });
  process.env.BOREAS_TEST_KUBECONFIG_PATH = file;
  const prevKubeconfig = process.env.KUBECONFIG;
  process.env.KUBECONFIG = file;
  t.after(() => {
    delete process.env.BOREAS_TEST_KUBECONFIG_PATH;
    if (prevKubeconfig === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = prevKubeconfig;
  });
  const viaEnv = structuredClone(h.env);
  viaEnv.spec.kubernetes!.kubeconfigFrom = { env: 'BOREAS_TEST_KUBECONFIG_PATH' };
  const viaDefault = structuredClone(h.env);
  delete viaDefault.spec.kubernetes!.kubeconfigFrom;
  viaDefault.spec.kubernetes!.context = 'fake';
  for (const env of [viaEnv, viaDefault]) {
    const target = await createKubernetesTargetFactory().create('kubernetes:prod', testTargetContext(), testScope({ environments: [env] }));
    h.server.resetCounts();
    const [obs] = await target.observe([ns]);
    assert.equal(obs.state, 'absent');
    assert.ok(h.server.counts().reads > 0, 'the request reached the fake server');
  }
});

test('API errors come back as failed tasks with the server message; an unreachable cluster is Unknown with the cause', async (t) => {
  const h = await startHarness(t);
  const set = h.manifests([containerApp('api')]);
  const [dep] = desiredOf(set); // no Namespace resource: namespace "shop" does not exist
  const r = await h.target.apply({ key: 'k', revision: 'r', resourceId: dep.id, target: dep.target, action: 'create', resource: dep, dependsOn: [] });
  assert.equal(r.outcome, 'failed');
  assert.equal(r.message, 'Deployment shop/api: 404 NotFound: namespaces "shop" not found');
  await h.server.stop();
  const [obs] = await h.target.observe([dep]);
  assert.equal(obs.state, 'unknown');
  assert.equal(obs.cause?.reason, 'unreachable');
  assert.match(obs.cause!.message, /cluster prod: unreachable/);
  const probe = await h.target.probe();
  assert.equal(probe.reachable, false);
});
