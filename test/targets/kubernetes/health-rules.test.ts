// Health of custom resources and of Ingress, HPA and PDB, from YAML fixtures; environment rules
// (a declarative condition list) decide for the kinds they name; end to end through the fake.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testScope, testTargetContext } from '../../helpers/targets.js';
import { parse } from 'yaml';
import type { HealthRules } from '../../../src/targets/kubernetes/health.js';
import { healthOf } from '../../../src/targets/kubernetes/index.js';
import { createKubernetesTargetFactory } from '../../../src/targets/kubernetes/index.js';
import { desiredOf, namespaceObject, rawApp, startHarness, withRaw } from './harness.js';

const of = (yaml: string, rules?: HealthRules) => {
  const h = healthOf(parse(yaml), rules);
  return `${h.status}: ${h.message}`;
};

test('custom resources: observedGeneration, then Stalled/Failed, then Ready or Available', () => {
  const rollout = (status: string) => `apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: web, generation: 3}\n${status}`;
  assert.equal(of(rollout('')), 'Healthy: present (no Ready or Available condition)');
  assert.equal(of(rollout('status: {observedGeneration: 2}')), 'Progressing: waiting for the controller to observe generation 3');
  assert.equal(
    of(rollout('status:\n  observedGeneration: 3\n  conditions: [{type: Available, status: "False", reason: MinimumReplicasUnavailable}]')),
    'Progressing: Available is False (MinimumReplicasUnavailable)',
  );
  assert.equal(of(rollout('status:\n  observedGeneration: 3\n  conditions: [{type: Available, status: "True"}]')), 'Healthy: available');
  assert.equal(
    of(rollout('status:\n  conditions: [{type: Ready, status: "True", message: all good}, {type: Stalled, status: "True", message: quota exceeded}]')),
    'Degraded: Stalled: quota exceeded',
  );
  // core kinds without a rule stay healthy on presence
  assert.equal(of('apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r}'), 'Healthy: present');
});

test('Ingress waits for a load balancer; HPA and PDB report their controllers', () => {
  const ing = 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\n';
  assert.equal(of(ing), 'Progressing: waiting for a load balancer address');
  assert.equal(of(`${ing}status: {loadBalancer: {ingress: [{ip: 127.0.0.1}]}}`), 'Healthy: load balancer address assigned');
  const hpa = 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web, generation: 1}\nspec: {minReplicas: 2, maxReplicas: 6}\n';
  assert.equal(of(hpa), 'Progressing: waiting for the autoscaler to report');
  assert.equal(
    of(`${hpa}status: {observedGeneration: 1, currentReplicas: 2, conditions: [{type: AbleToScale, status: "True"}]}`),
    'Healthy: 2 replicas (min 2, max 6)',
  );
  assert.equal(
    of(`${hpa}status:\n  currentReplicas: 2\n  conditions: [{type: ScalingActive, status: "False", reason: FailedGetResourceMetric, message: no metrics}]`),
    'Degraded: ScalingActive is False (FailedGetResourceMetric): no metrics',
  );
  const pdb = 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web, generation: 1}\n';
  assert.equal(of(`${pdb}status: {observedGeneration: 1, desiredHealthy: 2, currentHealthy: 1}`), 'Progressing: 1 of 2 pods healthy that the budget needs');
  assert.equal(
    of(`${pdb}status: {observedGeneration: 1, desiredHealthy: 2, currentHealthy: 3, disruptionsAllowed: 1}`),
    'Healthy: 3 pods healthy, 1 disruption(s) allowed',
  );
});

test('a Pod hook is healthy once it completed; a long-running Pod once it is ready', () => {
  const hook = 'apiVersion: v1\nkind: Pod\nmetadata: {name: smoke}\nspec: {restartPolicy: Never}\n';
  assert.equal(of(`${hook}status: {phase: Running, conditions: [{type: Ready, status: "True"}]}`), 'Progressing: pod is Running, waiting for it to complete');
  assert.equal(of(`${hook}status: {phase: Succeeded}`), 'Healthy: completed');
  assert.equal(of(`${hook}status: {phase: Failed, reason: Error}`), 'Degraded: pod failed: Error');
  const server = 'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\n';
  assert.equal(of(`${server}status: {phase: Running, conditions: [{type: Ready, status: "True"}]}`), 'Healthy: running and ready');
  assert.equal(of(`${server}status: {phase: Pending}`), 'Progressing: pod is Pending');
});

const dbRules: HealthRules = [
  {
    group: 'example.com',
    kind: 'Database',
    rules: [
      { field: 'status.phase', equals: 'Failed', health: 'Degraded' },
      { condition: 'Provisioned', health: 'Healthy' },
      { field: 'status.phase', equals: 'Paused', health: 'Suspended', message: 'paused by its operator' },
    ],
  },
];

test('environment rules decide for the kinds they name, first match wins, default Progressing', () => {
  const db = (status: string) => `apiVersion: example.com/v1\nkind: Database\nmetadata: {name: orders, generation: 2}\n${status}`;
  assert.equal(of(db('status: {observedGeneration: 1}'), dbRules), 'Progressing: waiting for the controller to observe generation 2');
  assert.equal(of(db('status: {observedGeneration: 2, phase: Creating}'), dbRules), 'Progressing: no health rule of Database matched yet');
  assert.equal(
    of(db('status:\n  observedGeneration: 2\n  conditions: [{type: Provisioned, status: "True", message: ready on node a}]'), dbRules),
    'Healthy: Provisioned: ready on node a',
  );
  assert.equal(of(db('status: {observedGeneration: 2, phase: Failed}'), dbRules), 'Degraded: status.phase is "Failed"');
  assert.equal(of(db('status: {observedGeneration: 2, phase: Paused}'), dbRules), 'Suspended: paused by its operator');
  // another group's Database is not matched by the rule
  assert.equal(of('apiVersion: other.io/v1\nkind: Database\nmetadata: {name: x}', dbRules), 'Healthy: present (no Ready or Available condition)');
});

test('end to end: the environment rules reach the target through its factory', async (t) => {
  const h = await startHarness(t);
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'databases.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { kind: 'Database', plural: 'databases', singular: 'database' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  };
  const db = { apiVersion: 'example.com/v1', kind: 'Database', metadata: { name: 'orders' }, spec: { size: 'small' } };
  const set = withRaw(h.manifests([rawApp('db')]), 'db', [crd as never, namespaceObject('shop'), db as never]);
  const desired = desiredOf(set);
  await h.reconcile(desired);
  const env = { ...h.env, spec: { ...h.env.spec, kubernetes: { ...h.env.spec.kubernetes!, health: dbRules } } };
  const target = await createKubernetesTargetFactory().create('kubernetes:prod', testTargetContext(), testScope({ environments: [env] }));
  const r = desired.find((d) => d.name === 'Database/shop/orders')!;
  assert.equal((await target.health(r)).message, 'no health rule of Database matched yet');
  h.server.setStatus(
    { apiVersion: 'example.com/v1', kind: 'Database', namespace: 'shop', name: 'orders' },
    { conditions: [{ type: 'Provisioned', status: 'True' }] },
  );
  assert.deepEqual(await target.health(r), { status: 'Healthy', level: 100, message: 'Provisioned is True' });
  const [observed] = await target.observe([r]);
  assert.equal(observed.health.status, 'Healthy');
  await target.close?.();
});
