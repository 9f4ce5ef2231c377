// CRDs and Namespaces go first; a CRD whose schema uses x-kubernetes-preserve-unknown-fields and a
// custom resource with fields the client library has no model for reach the server intact.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { desiredOf, namespaceObject, rawApp, startHarness, withRaw } from './harness.js';

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { size: { type: 'integer' } } },
              status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
        },
      },
    ],
  },
};

const widget = {
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: { name: 'blue' },
  spec: { size: 3, colour: { primary: 'blue', shades: ['navy', 'sky'] }, 'x-custom-key': true },
};

test('CRD and Namespace are applied first, then the custom resource with unknown fields intact', async (t) => {
  const h = await startHarness(t);
  const set = withRaw(h.manifests([rawApp('widgets')]), 'widgets', [widget as any, crd, namespaceObject('shop')]);
  const desired = desiredOf(set);
  const w = desired.find((d) => d.name === 'Widget/shop/blue')!;
  const foundation = desired.filter((d) => d.name.startsWith('CustomResourceDefinition/') || d.name.startsWith('Namespace/'));
  assert.deepEqual(w.dependsOn.sort(), foundation.map((f) => f.id).sort(), 'the custom resource depends on the CRD and the Namespace');
  assert.ok(foundation.every((f) => f.dependsOn.length === 0));

  // Before the CRD exists, the Widget kind is not served: observe says "absent", not an error.
  const plan = await h.plan(desired);
  assert.deepEqual(
    plan.changes.map((c) => c.action),
    ['create', 'create', 'create'],
  );

  const run = await h.reconcile(desired);
  assert.deepEqual(run.order.slice(-1), ['create Widget/shop/blue'], 'the custom resource is applied last');
  assert.ok(
    [...run.results.values()].every((r) => r.outcome === 'created'),
    JSON.stringify([...run.results.values()]),
  );

  const storedCrd = h.server.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'widgets.example.com' }) as any;
  assert.equal(storedCrd.spec.versions[0].schema.openAPIV3Schema.properties.spec['x-kubernetes-preserve-unknown-fields'], true);
  const storedWidget = h.server.get({ apiVersion: 'example.com/v1', kind: 'Widget', namespace: 'shop', name: 'blue' }) as any;
  assert.deepEqual(storedWidget.spec, widget.spec);

  h.server.resetCounts();
  const again = await h.reconcile(desired);
  assert.equal(again.plan.changes.length, 0, JSON.stringify(again.plan.changes.map((c) => c.message)));
  assert.equal(h.server.counts().writes, 0);
});

test('a custom resource with a field its CRD does not declare is refused by strict validation, naming the field; nothing is pruned silently', async (t) => {
  const h = await startHarness(t);
  const strict = structuredClone(crd) as any;
  strict.spec.versions[0].schema.openAPIV3Schema.properties.spec = { type: 'object', properties: { size: { type: 'integer' } } };
  const set = withRaw(h.manifests([rawApp('widgets')]), 'widgets', [widget as any, strict, namespaceObject('shop')]);
  const desired = desiredOf(set);
  const w = desired.find((d) => d.name === 'Widget/shop/blue')!;
  const run = await h.reconcile(desired);
  const result = run.results.get(w.id)!;
  assert.equal(result.outcome, 'failed');
  const lines = result.message!.split('\n');
  assert.deepEqual(lines, [
    'k8s/widgets/all.yaml:1: Widget shop/blue: spec.colour: unknown field, refused by the API server (field not declared in schema)',
    'k8s/widgets/all.yaml:1: Widget shop/blue: spec.x-custom-key: unknown field, refused by the API server (field not declared in schema)',
  ]);
  assert.equal(h.server.get({ apiVersion: 'example.com/v1', kind: 'Widget', namespace: 'shop', name: 'blue' }), undefined, 'nothing stored half-pruned');
});

test('custom resources wait until their CRD is Established', async (t) => {
  const h = await startHarness(t, { establishCrds: 'manual' });
  const set = withRaw(h.manifests([rawApp('widgets')]), 'widgets', [widget as any, crd, namespaceObject('shop')]);
  const waits: string[] = [];
  let establishedAt = 0;
  setTimeout(() => {
    establishedAt = h.server.requests.length;
    h.server.establishCrd('widgets.example.com');
  }, 200);
  const run = await h.reconcile(desiredOf(set), {
    onWait: (id, health) => waits.push(`${id.split('/').slice(-2).join('/')} ${health.status}: ${health.message}`),
  });
  assert.ok(waits.includes('_/widgets.example.com Progressing: waiting for the CRD to be established'), waits.join('\n'));
  assert.equal(run.results.get(desiredOf(set).find((d) => d.name === 'Widget/shop/blue')!.id)!.outcome, 'created');
  const widgetWrite = h.server.requests.findIndex((r) => r.startsWith('PATCH /apis/example.com/v1/'));
  assert.ok(establishedAt > 0 && widgetWrite >= establishedAt, 'the Widget was applied only after the CRD was established');
});
