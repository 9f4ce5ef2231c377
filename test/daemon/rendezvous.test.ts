// Shard assignment of environments over replicas (src/daemon/cluster/rendezvous.ts): even shards,
// the same answer whatever order replicas are listed in, few moves on a join or a leave. Pure: no database, no processes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assign } from '../../src/daemon/cluster/rendezvous.js';

const envs = (n: number, prefix = 'env') => Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`);
const sizes = (m: Map<string, string>, replicas: string[]) => replicas.map((r) => [...m.values()].filter((o) => o === r).length);

test('shards differ by at most one environment, for any count', () => {
  for (const [n, replicas] of [
    [30, ['r1', 'r2', 'r3']],
    [4, ['a', 'b', 'c']],
    [7, ['a', 'b']],
    [100, ['ctl-1', 'ctl-2', 'ctl-3', 'ctl-4', 'ctl-5']],
    [2, ['a', 'b', 'c']],
  ] as const) {
    const m = assign(envs(n), replicas);
    assert.equal(m.size, n, 'every environment has an owner');
    const s = sizes(m, [...replicas]);
    assert.ok(Math.max(...s) - Math.min(...s) <= 1, `${n} over ${replicas.length}: ${s.join('/')}`);
  }
});

test('every replica computes the same map, whatever order it lists the replicas and environments in', () => {
  const e = envs(30);
  const a = assign(e, ['r1', 'r2', 'r3']);
  assert.deepEqual(new Map([...assign([...e].reverse(), ['r3', 'r1', 'r2'])].sort()), new Map([...a].sort()));
});

test('a join moves about 1/N of the environments; a leave moves the leaver’s and few others', () => {
  let moved = 0;
  let total = 0;
  let shuffled = 0;
  let kept = 0;
  for (let t = 0; t < 20; t++) {
    const e = envs(30, `set${t}`);
    const three = assign(e, ['r1', 'r2', 'r3']);
    const four = assign(e, ['r1', 'r2', 'r3', 'r4']);
    moved += e.filter((x) => three.get(x) !== four.get(x)).length;
    total += e.length;
    const two = assign(e, ['r1', 'r2']);
    for (const x of e) {
      if (three.get(x) === 'r3') continue;
      kept++;
      if (two.get(x) !== three.get(x)) shuffled++;
    }
  }
  const share = moved / total;
  assert.ok(share >= 0.2 && share <= 0.35, `moved ${share.toFixed(2)} on a join (ideal 0.25)`);
  // Rebalancing to even shards may move a few of the survivors' own environments between them.
  assert.ok(shuffled / kept <= 0.1, `${shuffled} of ${kept} survivors' environments moved on a leave`);
});
