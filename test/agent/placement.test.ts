import { test } from 'node:test';
import assert from 'node:assert/strict';
import { placeInstances, type PlacementNode } from '../../src/desired/placement.js';

const node = (name: string, extra: Partial<PlacementNode> = {}): PlacementNode => ({ name, labels: { role: 'web' }, cordoned: false, online: true, ...extra });
const three = [node('node-1'), node('node-2'), node('node-3')];
const where = (r: ReturnType<typeof placeInstances>) => r.placements.map((p) => `${p.ordinal}@${p.node}#${p.slot}`);

test('spreads new ordinals over the least-loaded nodes, ties by name', () => {
  const r = placeInstances({ app: 'api', replicas: 5, nodes: [node('node-3'), node('node-1'), node('node-2')], maxPerNode: 2, previous: new Map() });
  assert.deepEqual(where(r), ['0@node-1#0', '1@node-2#0', '2@node-3#0', '3@node-1#1', '4@node-2#1']);
  assert.equal(r.unplaced, 0);
  assert.deepEqual(r.moves, []);
});

test('an unchanged manifest never moves instances, even when the spread is uneven', () => {
  const previous = new Map([
    [0, 'node-3'],
    [1, 'node-3'],
    [2, 'node-1'],
  ]);
  const r = placeInstances({ app: 'api', replicas: 3, nodes: three, maxPerNode: 2, previous });
  assert.deepEqual(where(r), ['0@node-3#0', '1@node-3#1', '2@node-1#0']);
  assert.deepEqual(r.moves, []);
  // and placing again from the result gives the same answer
  const again = placeInstances({ app: 'api', replicas: 3, nodes: three, maxPerNode: 2, previous: new Map(r.placements.map((p) => [p.ordinal, p.node])) });
  assert.deepEqual(where(again), where(r));
});

test('scaling up keeps existing ordinals and fills the emptiest nodes', () => {
  const previous = new Map([
    [0, 'node-2'],
    [1, 'node-2'],
  ]);
  const r = placeInstances({ app: 'api', replicas: 4, nodes: three, maxPerNode: 2, previous });
  assert.deepEqual(where(r), ['0@node-2#0', '1@node-2#1', '2@node-1#0', '3@node-3#0']);
});

test('a cordoned node gets no new instances and its instances move, reported as moves', () => {
  const nodes = [node('node-1', { cordoned: true }), node('node-2'), node('node-3')];
  const previous = new Map([
    [0, 'node-1'],
    [1, 'node-2'],
    [2, 'node-3'],
  ]);
  const r = placeInstances({ app: 'api', replicas: 3, nodes, maxPerNode: 2, previous });
  assert.deepEqual(where(r), ['0@node-2#1', '1@node-2#0', '2@node-3#0']);
  assert.deepEqual(r.moves, [{ ordinal: 0, from: 'node-1', to: 'node-2', reason: 'cordoned' }]);
});

test('maxPerNode caps instances per node; the rest stay unplaced', () => {
  const r = placeInstances({ app: 'api', replicas: 5, nodes: three, maxPerNode: 1, previous: new Map() });
  assert.equal(r.placements.length, 3);
  assert.equal(r.unplaced, 2);
  assert.deepEqual(
    r.placements.map((p) => p.ordinal),
    [0, 1, 2],
  );
});

test('an unreachable node keeps its instance (never started twice elsewhere); new ordinals avoid it', () => {
  const nodes = [node('node-1'), node('node-2', { online: false }), node('node-3')];
  const previous = new Map([
    [0, 'node-1'],
    [1, 'node-2'],
    [2, 'node-3'],
  ]);
  const kept = placeInstances({ app: 'api', replicas: 3, nodes, maxPerNode: 1, previous });
  assert.deepEqual(where(kept), ['0@node-1#0', '1@node-2#0', '2@node-3#0']);
  assert.deepEqual(kept.moves, []);
  const grown = placeInstances({ app: 'api', replicas: 4, nodes, maxPerNode: 2, previous });
  assert.equal(
    where(grown).find((w) => w.startsWith('3@')),
    '3@node-1#1',
    'the new ordinal goes to a node that answers',
  );
});

test('selector and names restrict eligibility; a removed node is node-gone', () => {
  const nodes = [node('a', { labels: { role: 'db' } }), node('b'), node('c')];
  const r = placeInstances({
    app: 'api',
    replicas: 2,
    nodes,
    selector: { role: 'web' },
    names: ['b', 'c', 'a'],
    maxPerNode: 1,
    previous: new Map([
      [0, 'a'],
      [1, 'zz'],
    ]),
  });
  assert.deepEqual(where(r), ['0@b#0', '1@c#0']);
  assert.deepEqual(
    r.moves.map((m) => m.reason),
    ['not-selected', 'node-gone'],
  );
  const onlyC = placeInstances({ app: 'api', replicas: 2, nodes, names: ['c'], maxPerNode: 2, previous: new Map() });
  assert.deepEqual(where(onlyC), ['0@c#0', '1@c#1']);
});

test('stateful ordinals stay 0..n-1 and a kept instance keeps its slot when a neighbour leaves', () => {
  const previous = new Map([
    [0, 'node-1'],
    [1, 'node-1'],
    [2, 'node-2'],
  ]);
  const previousSlots = new Map([
    [0, 0],
    [1, 1],
    [2, 0],
  ]);
  // ordinal 0 is scaled away by a names change; ordinal 1 must keep slot 1 (its ports)
  const r = placeInstances({ app: 'db', replicas: 3, nodes: three, names: ['node-1', 'node-2'], maxPerNode: 2, previous, previousSlots });
  assert.deepEqual(where(r), ['0@node-1#0', '1@node-1#1', '2@node-2#0']);
  const shrink = placeInstances({
    app: 'db',
    replicas: 3,
    nodes: [node('node-1'), node('node-2'), node('node-3')],
    maxPerNode: 2,
    previous: new Map([
      [1, 'node-1'],
      [2, 'node-2'],
    ]),
    previousSlots: new Map([
      [1, 1],
      [2, 0],
    ]),
  });
  assert.deepEqual(where(shrink), ['0@node-3#0', '1@node-1#1', '2@node-2#0']);
});
