// Immutable fields: a change the API server refuses in place (a Deployment's selector, a Job's
// template) fails naming the field and how to opt in; with `boreas.dev/replace: "true"` (or the
// environment's `replaceOnImmutable`) the plan says replace and the object is deleted and re-created.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildNamespaceResource } from '../../../src/desired/kubernetes/index.js';
import { renderPlanText } from '../../../src/report/plan-text.js';
import { desiredOf, rawApp, startHarness, withNamespace, withRaw } from './harness.js';

const guestbook = (app: string, annotations: Record<string, string> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'guestbook-ui', annotations },
  spec: {
    selector: { matchLabels: { app } },
    template: { metadata: { labels: { app } }, spec: { containers: [{ name: 'guestbook-ui', image: 'registry.local/guestbook-ui:0.2' }] } },
  },
});
const job = (image: string) => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'migrate' },
  spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image }] } } },
});
const frozen = (mode: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'frozen', annotations: { 'boreas.dev/replace': 'false' } },
  immutable: true,
  data: { mode },
});
const uidOf = (o: Record<string, unknown> | undefined) => (o?.metadata as { uid?: string } | undefined)?.uid;
const depRef = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'guestbook-ui' };

test('a refused immutable change names the field and the opt-in; boreas.dev/replace re-creates the object, shown as replace', async (t) => {
  const h = await startHarness(t);
  const desired = (objs: object[]) => {
    const set = withRaw(h.manifests([rawApp('guestbook')]), 'guestbook', objs as never[]);
    return withNamespace(desiredOf(set), buildNamespaceResource(set.environments.get('prod')!));
  };
  await h.reconcile(desired([guestbook('guestbook-ui')]));
  const uid = uidOf(h.server.get(depRef));

  const refused = await h.reconcile(desired([guestbook('guestbook')]));
  const r = [...refused.results.values()][0];
  assert.equal(r.outcome, 'failed');
  assert.match(
    r.message!,
    /^k8s\/guestbook\/all\.yaml:1: Deployment shop\/guestbook-ui: spec\.selector: Invalid value: .*field is immutable \(422 Invalid\); the server keeps this field as it was created; to delete and re-create the object on such changes, annotate it boreas\.dev\/replace: "true" \(or set kubernetes\.replaceOnImmutable: true in Environment prod\)$/,
  );
  assert.equal(uidOf(h.server.get(depRef)), uid, 'nothing was deleted');

  const opted = desired([guestbook('guestbook', { 'boreas.dev/replace': 'true' })]);
  const plan = await h.plan(opted);
  assert.deepEqual(
    plan.changes.map((c) => `${c.action} ${c.name}: ${c.message}`),
    ['replace Deployment/shop/guestbook-ui: desired spec changed; spec.selector cannot change in place: deleted and re-created'],
  );
  const text = renderPlanText(plan, { color: false });
  assert.match(text, /-\/\+ KubeObject Deployment\/shop\/guestbook-ui/);
  assert.match(text, /Plan: 0 to create, 0 to change, 1 to replace, 0 to delete\./);
  const run = await h.reconcile(opted);
  assert.equal([...run.results.values()][0].message, 'replaced Deployment shop/guestbook-ui (deleted and created again)');
  const live = h.server.get(depRef) as { spec: { selector: unknown } };
  assert.notEqual(uidOf(live), uid, 'a new object');
  assert.deepEqual(live.spec.selector, { matchLabels: { app: 'guestbook' } });
  assert.deepEqual((await h.plan(opted)).changes, [], 'then in sync');
});

test('the environment policy replaces a Job whose template changed; an object may opt out', async (t) => {
  const h = await startHarness(t, { kubernetes: { replaceOnImmutable: true } });
  const desired = (objs: object[]) => {
    const set = withRaw(h.manifests([rawApp('db')]), 'db', objs as never[]);
    return withNamespace(desiredOf(set), buildNamespaceResource(set.environments.get('prod')!));
  };
  await h.reconcile(desired([job('registry.local/migrate:1'), frozen('a')]));
  const next = desired([job('registry.local/migrate:2'), frozen('b')]);
  const plan = await h.plan(next);
  assert.deepEqual(
    plan.changes.map((c) => `${c.action} ${c.name}`),
    ['update ConfigMap/shop/frozen', 'replace Job/shop/migrate'],
  );
  const run = await h.reconcile(next);
  const byName = (n: string) => run.results.get(next.find((d) => d.name === n)!.id)!;
  assert.equal(byName('Job/shop/migrate').message, 'replaced Job shop/migrate (deleted and created again)');
  assert.equal(byName('ConfigMap/shop/frozen').outcome, 'failed');
  assert.match(
    byName('ConfigMap/shop/frozen').message!,
    /data: Forbidden: field is immutable when `immutable` is set \(422 Invalid\); the server keeps this field/,
  );
  const live = h.server.get({ apiVersion: 'batch/v1', kind: 'Job', namespace: 'shop', name: 'migrate' }) as any;
  assert.equal(live.spec.template.spec.containers[0].image, 'registry.local/migrate:2');
});
