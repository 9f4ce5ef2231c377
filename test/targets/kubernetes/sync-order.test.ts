// Sync phases and waves: PreSync hooks, then waves of the application's objects (lower first), then
// PostSync hooks; each step is applied only once the step before it is applied and healthy.
// Argo CD's and Helm's annotations mean the same as Boreas's own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildNamespaceResource } from '../../../src/desired/kubernetes/index.js';
import { kubeEnv, desiredOf, rawApp, startHarness, withNamespace, withRaw } from './harness.js';
import { manifestSet } from '../../helpers/manifests.js';

/** A manifest set with the guestbook app, for desired-side checks that need no server. */
const manifestSetOf = () => manifestSet({ environments: [kubeEnv('/nonexistent')], applications: [rawApp('guestbook')] });

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

test('hooks order by wave within their phase and carry their delete policies (Boreas, Argo CD or Helm spelling)', () => {
  const set = withRaw(manifestSetOf(), 'guestbook', [
    job('seed', { 'helm.sh/hook': 'pre-upgrade', 'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded' }),
    job('migrate', { 'argocd.argoproj.io/hook': 'PreSync', 'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded,HookFailed' }),
    job('backup', { 'boreas.dev/hook': 'PreSync', 'boreas.dev/sync-wave': '-5' }),
    cm('plain'),
  ] as never[]);
  const desired = desiredOf(set);
  const byName = (n: string) => desired.find((d) => d.name.endsWith(`/${n}`))!;
  const deps = (n: string) =>
    byName(n)
      .dependsOn.map((d) => d.split('/').pop())
      .sort();
  assert.deepEqual(deps('backup'), []);
  assert.deepEqual(deps('migrate'), ['backup'], 'PreSync wave -5 before PreSync wave 0');
  assert.deepEqual(deps('seed'), ['backup']);
  assert.deepEqual(deps('plain'), ['migrate', 'seed'], 'the sync phase waits for every PreSync hook of the last wave');
  assert.deepEqual(byName('backup').hook, { recreate: true, deleteOnSuccess: false, deleteOnFailure: false }, 'BeforeHookCreation by default');
  assert.deepEqual(byName('migrate').hook, { recreate: false, deleteOnSuccess: true, deleteOnFailure: true });
  assert.deepEqual(byName('seed').hook, { recreate: true, deleteOnSuccess: true, deleteOnFailure: false });
  assert.equal(byName('plain').hook, undefined);
});
