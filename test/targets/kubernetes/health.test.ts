// Health waits: a Deployment is Progressing until the controller reports the rollout done; rules for
// Job, PVC and CRD come from YAML-like fixtures.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildNamespaceResource } from '../../../src/desired/kubernetes/index.js';
import { healthOf } from '../../../src/targets/kubernetes/index.js';
import type { Health } from '../../../src/model/resource.js';
import { containerApp, desiredOf, finishRollout, startHarness, withNamespace } from './harness.js';

test('a Deployment is Progressing until its rollout completes, then Healthy', async (t) => {
  const h = await startHarness(t);
  const set = h.manifests([containerApp('api', { replicas: 3 })]);
  const desired = withNamespace(desiredOf(set), buildNamespaceResource(set.environments.get('prod')!));
  await h.reconcile(desired);
  const dep = desired.find((d) => d.name === 'Deployment/shop/api')!;

  const before = await h.target.health(dep);
  assert.equal(before.status, 'Progressing');
  assert.match(before.message!, /waiting for the rollout to be observed/);

  h.server.setStatus(
    { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'api' },
    { observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 1 },
  );
  const partial = await h.target.health(dep);
  assert.equal(partial.status, 'Progressing');
  assert.equal(partial.message, '1 of 3 updated replicas available');
  assert.equal(partial.level, 33);

  // A waiter (like reconcile --once) polls until the controller finishes the rollout.
  const seen: Health[] = [];
  setTimeout(() => finishRollout(h.server, 'shop', 'api'), 150);
  const until = Date.now() + 3000;
  let now: Health;
  while ((now = await h.target.health(dep)).status !== 'Healthy' && Date.now() < until) {
    seen.push(now);
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.equal(now.status, 'Healthy');
  assert.equal(now.message, '3 of 3 replicas available');
  assert.ok(seen.length > 0 && seen.every((s) => s.status === 'Progressing'));

  // observe reports the same health, and Missing once the object is gone
  const obs = await h.target.observe([dep]);
  assert.equal(obs[0].health.status, 'Healthy');
  await h.target.apply({ key: 'k', revision: 'r', resourceId: dep.id, target: dep.target, action: 'delete', resource: dep, dependsOn: [] });
  assert.equal((await h.target.health(dep)).status, 'Missing');
});

test('health rules per kind', () => {
  assert.equal(healthOf({ apiVersion: 'batch/v1', kind: 'Job', spec: { completions: 2 }, status: { succeeded: 1 } }).status, 'Progressing');
  assert.equal(healthOf({ apiVersion: 'batch/v1', kind: 'Job', status: { conditions: [{ type: 'Complete', status: 'True' }] } }).status, 'Healthy');
  assert.equal(
    healthOf({ apiVersion: 'batch/v1', kind: 'Job', status: { conditions: [{ type: 'Failed', status: 'True', message: 'BackoffLimitExceeded' }] } }).status,
    'Degraded',
  );
  assert.equal(healthOf({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', status: { phase: 'Pending' } }).status, 'Progressing');
  assert.equal(healthOf({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', status: { phase: 'Bound' } }).status, 'Healthy');
  assert.equal(healthOf({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', status: { conditions: [] } }).status, 'Progressing');
  assert.equal(
    healthOf({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', status: { conditions: [{ type: 'Established', status: 'True' }] } })
      .status,
    'Healthy',
  );
  assert.equal(healthOf({ apiVersion: 'v1', kind: 'Service', spec: { type: 'LoadBalancer' }, status: {} }).status, 'Progressing');
  assert.equal(healthOf({ apiVersion: 'v1', kind: 'ConfigMap' }).status, 'Healthy');
  assert.equal(healthOf(undefined).status, 'Missing');
  const deadline = healthOf({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { generation: 2 },
    spec: { replicas: 2 },
    status: {
      observedGeneration: 2,
      conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "api-1" has timed out progressing.' }],
    },
  });
  assert.equal(deadline.status, 'Degraded');
  const sts = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { generation: 1 },
    spec: { replicas: 2 },
    status: { observedGeneration: 1, readyReplicas: 2, currentRevision: 'a', updateRevision: 'b', updatedReplicas: 1 },
  };
  assert.equal(healthOf(sts).status, 'Progressing');
  assert.equal(healthOf({ ...sts, status: { ...sts.status, currentRevision: 'b' } }).status, 'Healthy');
  assert.equal(
    healthOf({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { generation: 1 },
      status: { observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 2 },
    }).status,
    'Progressing',
  );
});
