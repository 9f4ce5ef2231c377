// Discovery-aware plans: an object whose kind the cluster does not serve (an API it lacks, a custom
// resource whose CRD is neither installed nor in the revision) is blocked with one message, whatever
// way the cluster said it; it is never tried, and what comes after it in the sync order waits. A custom
// resource whose CRD is in the revision is a plain create (the CRD is applied first).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildNamespaceResource } from '../../../src/desired/kubernetes/index.js';
import { renderPlanText } from '../../../src/report/plan-text.js';
import { desiredOf, rawApp, startHarness, withNamespace, withRaw } from './harness.js';

const widgetCrd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
  },
};

test('unserved kinds are blocked with one message, never applied, and what waits for them is held back', async (t) => {
  const h = await startHarness(t, { unserved: ['networking.k8s.io/v1/Ingress'] });
  const objects = [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { mode: 'prod' } },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'guestbook' },
      spec: { rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'guestbook-ui', port: { number: 80 } } } }] } }] },
    },
    { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'guestbook' }, spec: { replicas: 2 } },
    widgetCrd,
    { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 1 } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after', annotations: { 'argocd.argoproj.io/sync-wave': '1' } }, data: { a: '1' } },
  ];
  const set = withRaw(h.manifests([rawApp('guestbook')]), 'guestbook', objects as never[]);
  const desired = withNamespace(desiredOf(set), buildNamespaceResource(set.environments.get('prod')!));

  const plan = await h.plan(desired);
  assert.deepEqual(
    plan.blocked?.map((b) => `${b.name}: ${b.message}`),
    [
      'Ingress/shop/guestbook: Ingress networking.k8s.io/v1 is not served by cluster prod (API missing or CRD not installed)',
      'Rollout/shop/guestbook: Rollout argoproj.io/v1alpha1 is not served by cluster prod (API missing or CRD not installed)',
    ],
  );
  assert.deepEqual(
    plan.changes.map((c) => `${c.action} ${c.name}${c.deferred ? ` [${c.deferred}]` : ''}`),
    [
      'create Namespace/_/shop',
      'create CustomResourceDefinition/_/widgets.example.com',
      'create Widget/shop/w',
      'create ConfigMap/shop/after [waits for Ingress/shop/guestbook, which is blocked]',
      'create ConfigMap/shop/settings',
    ],
  );
  const text = renderPlanText(plan, { color: false });
  assert.match(text, /Blocked: 2 resources cannot be applied/);
  assert.match(text, /x Ingress\/shop\/guestbook \(guestbook\): Ingress networking\.k8s\.io\/v1 is not served by cluster prod/);
  assert.match(text, /Plan: 5 to create, 0 to change, 0 to delete, 2 blocked\./);

  await h.reconcile(desired);
  assert.ok(h.server.get({ apiVersion: 'example.com/v1', kind: 'Widget', namespace: 'shop', name: 'w' }), 'the CR of a CRD in the revision was created');
  assert.equal(h.server.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'after' }), undefined, 'the later wave waits');
  const tried = h.server.requests.filter((r) => /ingresses|rollouts/.test(r) && !r.startsWith('GET '));
  assert.deepEqual(tried, [], 'nothing of a blocked kind was sent');

  h.server.resetCounts();
  const again = await h.plan(desired);
  assert.equal(again.blocked?.length, 2, 'still blocked, with the same message');
  assert.deepEqual(
    again.changes.map((c) => c.name),
    ['ConfigMap/shop/after'],
    'not retried as a create: only what waits for it is left',
  );
  assert.equal(h.server.counts().writes, 0);
});
