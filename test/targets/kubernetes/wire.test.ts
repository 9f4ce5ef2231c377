// What leaves Boreas is what Git says: raw JSON bodies with strict field validation, so a typo or
// a removed field is refused by the server (with file:line of the object), never dropped on the way;
// every request has a timeout and honours cancellation.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { buildNamespaceResource } from '../../../src/desired/kubernetes/index.js';
import { boreasPath } from '../../../src/targets/kubernetes/apply-errors.js';
import { KubeTransportError } from '../../../src/targets/kubernetes/errors.js';
import { KubeHttp } from '../../../src/targets/kubernetes/http.js';
import { sameQuantity } from '../../../src/targets/kubernetes/quantity.js';
import { desiredOf, rawApp, startHarness, withNamespace, withRaw } from './harness.js';

const guestbook = (spec: Record<string, unknown>) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'guestbook-ui' },
  spec: {
    selector: { matchLabels: { app: 'guestbook-ui' } },
    template: {
      metadata: { labels: { app: 'guestbook-ui' } },
      spec: { containers: [{ name: 'guestbook-ui', image: 'registry.local/guestbook-ui:0.2', ports: [{ containerPort: 80 }] }] },
    },
    ...spec,
  },
});

test('a typo (spec.replica) is refused by the server with file:line and the field, not dropped; nothing is stored', async (t) => {
  const h = await startHarness(t);
  const set = withRaw(h.manifests([rawApp('guestbook')]), 'guestbook', [guestbook({ replica: 1 })]);
  const desired = withNamespace(desiredOf(set), buildNamespaceResource(set.environments.get('prod')!));
  const dep = desired.find((d) => d.name === 'Deployment/shop/guestbook-ui')!;
  const run = await h.reconcile(desired);
  const r = run.results.get(dep.id)!;
  assert.equal(r.outcome, 'failed');
  assert.equal(
    r.message,
    'k8s/guestbook/all.yaml:1: Deployment shop/guestbook-ui: spec.replica: unknown field, refused by the API server (field not declared in schema)',
  );
  assert.equal(h.server.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'guestbook-ui' }), undefined);
  const patch = h.server.requests.find((q) => q.startsWith('PATCH /apis/apps/v1/namespaces/shop/deployments/guestbook-ui'))!;
  assert.match(patch, /fieldValidation=Strict/);
  assert.match(patch, /fieldManager=boreas/);
});

test('an Ingress written with the removed serviceName/servicePort reaches the server as written and is refused, naming the list item by index', async (t) => {
  const h = await startHarness(t);
  const ingress = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'guestbook' },
    spec: {
      rules: [{ host: 'guestbook.local', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { serviceName: 'guestbook-ui', servicePort: 80 } }] } }],
    },
  };
  const set = withRaw(h.manifests([rawApp('guestbook')]), 'guestbook', [ingress as never]);
  const desired = withNamespace(desiredOf(set), buildNamespaceResource(set.environments.get('prod')!));
  const ing = desired.find((d) => d.name === 'Ingress/shop/guestbook')!;
  const run = await h.reconcile(desired);
  assert.deepEqual(run.results.get(ing.id)!.message!.split('\n'), [
    'k8s/guestbook/all.yaml:1: Ingress shop/guestbook: spec.rules[0].http.paths[0].backend.serviceName: unknown field, refused by the API server (field not declared in schema)',
    'k8s/guestbook/all.yaml:1: Ingress shop/guestbook: spec.rules[0].http.paths[0].backend.servicePort: unknown field, refused by the API server (field not declared in schema)',
  ]);
});

test('fields client-node 1.4 had trouble with arrive intact, and a second reconcile sends neither writes nor dry-runs', async (t) => {
  const h = await startHarness(t);
  const dep = guestbook({
    replicas: 2,
    template: {
      metadata: { labels: { app: 'guestbook-ui' }, annotations: { 'example.com/x': 'y' } },
      spec: {
        containers: [
          {
            name: 'guestbook-ui',
            image: 'registry.local/guestbook-ui:0.2',
            resources: { limits: { cpu: '500m', memory: '128Mi' } },
            ports: [{ containerPort: 80, name: 'http' }],
          },
        ],
        // a pod-level field newer than many clients' models, and an int-or-string port
        hostUsers: false,
      },
    },
  });
  const svc = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'guestbook-ui' },
    spec: { ports: [{ port: 80, targetPort: 'http' }], selector: { app: 'guestbook-ui' } },
  };
  const set = withRaw(h.manifests([rawApp('guestbook')]), 'guestbook', [dep as never, svc as never]);
  const desired = withNamespace(desiredOf(set), buildNamespaceResource(set.environments.get('prod')!));
  const first = await h.reconcile(desired);
  assert.ok(
    [...first.results.values()].every((r) => r.outcome === 'created'),
    JSON.stringify([...first.results.values()]),
  );
  const stored = h.server.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'guestbook-ui' }) as any;
  assert.equal(stored.spec.template.spec.hostUsers, false);
  assert.equal(stored.spec.template.metadata.annotations['example.com/x'], 'y');
  assert.equal((h.server.get({ apiVersion: 'v1', kind: 'Service', namespace: 'shop', name: 'guestbook-ui' }) as any).spec.ports[0].targetPort, 'http');

  h.server.resetCounts();
  const again = await h.reconcile(desired);
  assert.equal(again.plan.changes.length, 0);
  assert.equal(h.server.counts().writes, 0);
  assert.equal(h.server.counts().dryRuns, 0, h.server.requests.join('\n'));
});

test('a request that gets no answer times out; an aborted run cancels requests in flight', async (t) => {
  const hung = createServer(() => {
    /* never answers */
  });
  await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
  t.after(() => {
    hung.closeAllConnections();
    hung.close();
  });
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${(hung.address() as AddressInfo).port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const http = new KubeHttp(kc, { timeoutMs: 200 });
  await assert.rejects(
    () => http.call('GET', '/api/v1/namespaces'),
    (err: Error) => err instanceof KubeTransportError && err.message === 'GET /api/v1/namespaces: no answer within 0.2s',
  );
  const run = new AbortController();
  const cancellable = new KubeHttp(kc, { timeoutMs: 60_000, signal: run.signal });
  const pending = cancellable.call('GET', '/apis/apps/v1/deployments');
  setImmediate(() => run.abort());
  await assert.rejects(pending, (err: Error) => err instanceof KubeTransportError && err.message === 'GET /apis/apps/v1/deployments: cancelled');
  await http.close();
  await cancellable.close();
});

test('server paths map to the one path style of Boreas outputs; quantities compare by value', () => {
  const sent = JSON.parse('{"spec":{"template":{"spec":{"containers":[{"name":"a"},{"name":"web","ports":[{"containerPort":80}]}]}}}}');
  assert.equal(boreasPath('.spec.template.spec.containers[name="web"].imagePullPolice', sent), 'spec.template.spec.containers[name=web].imagePullPolice');
  assert.equal(boreasPath('.spec.template.spec.containers[name="web"].ports[containerPort=80].x', sent), 'spec.template.spec.containers[name=web].ports[0].x');
  assert.equal(boreasPath('spec.selector', sent), 'spec.selector');
  assert.ok(sameQuantity('500m', 0.5));
  assert.ok(sameQuantity('1Gi', '1024Mi'));
  assert.ok(sameQuantity('1k', 1000));
  assert.ok(!sameQuantity('1G', '1Gi'));
  assert.ok(!sameQuantity('http', 'http2'));
});
