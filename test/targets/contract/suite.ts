// The one contract every target keeps (src/targets/target.ts), run against each registered target
// with its real collaborators: the local target (the agent's handlers in this process), an agent over
// HTTP (push), an agent polling a real daemon (pull), the Kubernetes target against the fake API
// server, and the controller's certificate store. A new target gets a fixture file in this folder;
// test/targets/contract/registered.test.ts fails until it does.
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import type { Task } from '../../../src/model/plan.js';
import type { DesiredResource, UnknownReason } from '../../../src/model/resource.js';
import type { Target } from '../../../src/targets/target.js';

/** One resource the target serves, in two versions, and a way to change it behind the target's back. */
export interface ContractSample {
  name: string;
  v1: DesiredResource;
  /** Same id, different desired content. */
  v2: DesiredResource;
  /** Changes the live resource outside Boreas (kill the process, edit the file, edit the object). */
  drift(): Promise<void>;
  /** How long health may take to reach 100 after an apply. Default 10 s. */
  healthTimeoutMs?: number;
}

export interface ContractFixture {
  target: Target;
  samples: ContractSample[];
  /** A target of the same type whose endpoint does not answer (absent: the target cannot be unreachable, e.g. local). */
  unreachable?: { target: Target; reasons: UnknownReason[] };
}

let keys = 0;
const task = (r: DesiredResource, action: Task['action']): Task => ({
  key: `contract-${r.id}-${action}-${++keys}`,
  revision: 'contract',
  resourceId: r.id,
  target: r.target,
  action,
  resource: r,
  dependsOn: [],
});

async function observeOne(target: Target, r: DesiredResource) {
  const [o] = await target.observe([r]);
  assert.equal(o.id, r.id, 'observe answers for the resource asked about');
  return o;
}

async function becomesHealthy(target: Target, r: DesiredResource, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const h = await target.health(r);
    if (h.level >= 100) return;
    if (Date.now() > until) assert.fail(`${r.id} did not become healthy: ${h.status} ${h.message ?? ''}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

/** Registers the contract tests of one target type. `setup` builds the fixture (and its cleanup through `t.after`). */
export function targetContract(name: string, setup: (t: TestContext) => Promise<ContractFixture | string>, opts: { timeout?: number } = {}): void {
  test(`target contract: ${name}: probe, observe, apply, health, drift, repair, delete`, { timeout: opts.timeout ?? 120_000 }, async (t) => {
    const fx = await setup(t);
    if (typeof fx === 'string') return t.skip(fx);
    const { target } = fx;
    const probe = await target.probe();
    assert.equal(probe.reachable, true, `probe: ${probe.reachable ? '' : probe.cause.message}`);
    for (const s of fx.samples) {
      assert.ok(target.kinds.includes(s.v1.kind), `${name} declares it serves ${s.v1.kind}`);
      const timeout = s.healthTimeoutMs ?? 10_000;
      // Nothing applied yet: absent, never an error.
      assert.equal((await observeOne(target, s.v1)).state, 'absent', `${s.name}: absent before apply`);

      const created = await target.apply(task(s.v1, 'create'));
      assert.notEqual(created.outcome, 'failed', `${s.name}: create: ${created.message}`);
      const seen = await observeOne(target, s.v1);
      assert.deepEqual([seen.state, seen.appliedHash], ['present', s.v1.hash], `${s.name}: present with the applied hash`);
      await becomesHealthy(target, s.v1, timeout);

      // An ensure: the same content again (new work, new key) changes nothing.
      assert.equal((await target.apply(task(s.v1, 'update'))).outcome, 'unchanged', `${s.name}: re-apply is a no-op`);

      const updated = await target.apply(task(s.v2, 'update'));
      assert.equal(updated.outcome, 'configured', `${s.name}: update: ${updated.message}`);
      assert.equal((await observeOne(target, s.v2)).appliedHash, s.v2.hash, `${s.name}: the new spec is the applied one`);
      await becomesHealthy(target, s.v2, timeout);

      await s.drift();
      const drifted = await observeOne(target, s.v2);
      assert.ok(drifted.state === 'absent' || (drifted.drift?.length ?? 0) > 0, `${s.name}: drift is seen (${drifted.state}, ${drifted.drift})`);
      assert.notEqual((await target.apply(task(s.v2, 'repair'))).outcome, 'failed', `${s.name}: repair`);
      const repaired = await observeOne(target, s.v2);
      assert.deepEqual([repaired.state, repaired.drift ?? []], ['present', []], `${s.name}: repaired`);
      await becomesHealthy(target, s.v2, timeout);

      assert.equal((await target.apply(task(s.v2, 'delete'))).outcome, 'deleted', `${s.name}: delete`);
      assert.equal((await observeOne(target, s.v2)).state, 'absent', `${s.name}: gone after delete`);
      assert.notEqual((await target.apply(task(s.v2, 'delete'))).outcome, 'failed', `${s.name}: deleting twice is fine`);
    }
  });

  test(`target contract: ${name}: a target that does not answer is Unknown with the cause, never absent`, { timeout: opts.timeout ?? 120_000 }, async (t) => {
    const fx = await setup(t);
    if (typeof fx === 'string') return t.skip(fx);
    if (!fx.unreachable) return t.skip(`${name} is always reachable (this machine)`);
    const { target, reasons } = fx.unreachable;
    const probe = await target.probe();
    assert.equal(probe.reachable, false);
    if (!probe.reachable) assert.ok(reasons.includes(probe.cause.reason), `probe reason ${probe.cause.reason}: ${probe.cause.message}`);
    const observed = await target.observe(fx.samples.map((s) => s.v1));
    for (const o of observed) {
      assert.equal(o.state, 'unknown', `${o.id} is unknown, not ${o.state}`);
      assert.ok(o.cause && reasons.includes(o.cause.reason), `${o.id}: cause ${o.cause?.reason}`);
      assert.equal(o.health.status, 'Unknown');
    }
    const applied = await target.apply(task(fx.samples[0].v1, 'create')).then(
      (r) => r.outcome,
      () => 'threw',
    );
    assert.ok(applied === 'failed' || applied === 'threw', `applying to an unreachable target never succeeds (${applied})`);
  });
}
