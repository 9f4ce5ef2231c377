import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay } from '../../src/engine/retry.js';
import { sleep } from '../../src/util/sleep.js';
import { assertAcyclic } from '../../src/engine/dag.js';
import { task } from '../store/fixtures.js';

test('backoff doubles per retry, stays within [half, full] of the step, and is capped', () => {
  const policy = { max: 5, baseDelayMs: 100, maxDelayMs: 1000 };
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, () => 0)),
    [50, 100, 200, 400, 500],
  );
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, () => 1)),
    [100, 200, 400, 800, 1000],
  );
  for (let i = 0; i < 100; i++) {
    const d = backoffDelay(3, policy);
    assert.ok(d >= 200 && d <= 400, String(d));
  }
});

test('sleep ends early (false) when aborted', async () => {
  const ac = new AbortController();
  const started = Date.now();
  setTimeout(() => ac.abort(), 20);
  assert.equal(await sleep(5000, ac.signal), false);
  assert.ok(Date.now() - started < 1000);
  assert.equal(await sleep(1), true);
});

test('a long chain is accepted without overflowing the stack; a self-dependency is named', () => {
  const chain = Array.from({ length: 20_000 }, (_, i) => task(`n${i}`, { dependsOn: i ? [`key-n${i - 1}`] : [] }));
  assert.doesNotThrow(() => assertAcyclic(chain));
  assert.throws(() => assertAcyclic([task('a', { dependsOn: ['key-a'] })]), /local\/Instance\/a depends on itself/);
});
