// Sync phases and waves: PreSync hooks, then waves of the application's objects (lower first), then
// PostSync hooks; each step is applied only once the step before it is applied and healthy.
// Argo CD's and Helm's annotations mean the same as Boreas's own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildNamespaceResource } from '../../../src/desired/kubernetes/index.js';
import { desiredOf, rawApp, startHarness, withNamespace, withRaw } from './harness.js';

const job = (name: string, annotations: Record<string, string>) => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, annotations },
  spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name, image: `registry.local/${name}:1` }] } } },
});
const cm = (name: string, wave?: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(wave ? { annotations: { 'argocd.argoproj.io/sync-wave': wave } } : {}) },
  data: { a: '1' },
});

test('PreSync hook, waves -1/0/2, PostSync hook: applied in that order, each after the previous is healthy', async (t) => {
  const h = await startHarness(t);
  const objects = [
    job('notify', { 'argocd.argoproj.io/hook': 'PostSync' }),
    cm('late', '2'),
    cm('plain'),
    job('migrate', { 'helm.sh/hook': 'pre-install,pre-upgrade' }),
    cm('early', '-1'),
    { ...cm('middle'), metadata: { name: 'middle', annotations: { 'boreas.dev/sync-wave': '0', 'argocd.argoproj.io/sync-wave': '5' } } },
  ];
  const set = withRaw(h.manifests([rawApp('guestbook')]), 'guestbook', objects as never[]);
  const desired = withNamespace(desiredOf(set), buildNamespaceResource(set.environments.get('prod')!));
  const byName = (n: string) => desired.find((d) => d.name.endsWith(`/${n}`))!;
  assert.deepEqual(
    byName('migrate')
      .dependsOn.map((d) => d.split('/').pop())
      .sort(),
    ['shop'],
  );
  assert.deepEqual(
    byName('early')
      .dependsOn.map((d) => d.split('/').pop())
      .sort(),
    ['migrate', 'shop'],
  );
  assert.deepEqual(
    byName('plain')
      .dependsOn.map((d) => d.split('/').pop())
      .sort(),
    ['early', 'shop'],
  );
  assert.deepEqual(
    byName('middle')
      .dependsOn.map((d) => d.split('/').pop())
      .sort(),
    ['early', 'shop'],
    'boreas.dev/sync-wave wins over Argo CD',
  );
  assert.deepEqual(
    byName('late')
      .dependsOn.map((d) => d.split('/').pop())
      .sort(),
    ['middle', 'plain', 'shop'],
  );
  assert.deepEqual(
    byName('notify')
      .dependsOn.map((d) => d.split('/').pop())
      .sort(),
    ['late', 'shop'],
  );

  // The migration Job must complete before wave -1 is applied: a stand-in job controller finishes
  // it once Boreas has been seen waiting for it.
  const waits: string[] = [];
  const ref = { apiVersion: 'batch/v1', kind: 'Job', namespace: 'shop', name: 'migrate' };
  const controller = setInterval(() => {
    if (waits.includes('migrate Progressing') && !h.server.get(ref)?.status)
      h.server.setStatus(ref, { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] });
  }, 20);
  t.after(() => clearInterval(controller));
  const run = await h.reconcile(desired, { onWait: (id, health) => waits.push(`${id.split('/').pop()} ${health.status}`) });
  assert.deepEqual(run.order, [
    'create Namespace/_/shop',
    'create Job/shop/migrate',
    'create ConfigMap/shop/early',
    'create ConfigMap/shop/middle',
    'create ConfigMap/shop/plain',
    'create ConfigMap/shop/late',
    'create Job/shop/notify',
  ]);
  assert.ok(waits.includes('migrate Progressing'), `wave -1 waited for the PreSync Job to complete: ${waits.join(', ')}`);
});
