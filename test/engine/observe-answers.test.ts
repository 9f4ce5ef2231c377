// The observe stage believes a target only about what it asked that target: a node that answers
// for another node's resource (a bug, or a node that lies) cannot make it look present and in sync,
// and a resource an answer leaves out is Unknown, never absent (absent would re-create it).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { observeResources } from '../../src/engine/observe.js';
import type { DesiredResource, ObservedResource } from '../../src/model/resource.js';
import { type RegistryContext, TargetRegistry } from '../../src/targets/registry.js';
import type { Reachability, Target, TargetFactory } from '../../src/targets/target.js';
import { resource } from '../report/fixtures.js';

/** A target answering with whatever `answer` gives for the resources it is asked about. */
function scripted(answer: (key: string, asked: DesiredResource[]) => ObservedResource[]): TargetFactory {
  return {
    type: 'node',
    onThisMachine: false,
    create: (key): Target => ({
      key,
      kinds: ['Instance'],
      probe: async (): Promise<Reachability> => ({ reachable: true, facts: {} }),
      observe: async (asked) => answer(key, asked),
      apply: async () => ({ outcome: 'failed', message: 'not in this test' }),
      health: async () => ({ status: 'Unknown', level: 0 }),
    }),
  };
}

const present = (id: string, hash: string): ObservedResource => ({ id, state: 'present', appliedHash: hash, health: { status: 'Healthy', level: 100 } });
const absent = (id: string): ObservedResource => ({ id, state: 'absent', health: { status: 'Missing', level: 0 } });

test("a target's answer about a resource of another target is ignored; one it leaves out is Unknown", async () => {
  const a = resource({ kind: 'Instance', owner: 'app', name: 'a-0', target: 'node:a' });
  const b = resource({ kind: 'Instance', owner: 'app', name: 'b-0', target: 'node:b' });
  const c = resource({ kind: 'Instance', owner: 'app', name: 'c-0', target: 'node:b' });
  // node:a answers for its own resource and claims b-0 (node:b's) runs in sync; node:b says b-0 is
  // absent and says nothing at all about c-0.
  const factory = scripted((key) => (key === 'node:a' ? [present(a.id, a.hash), present(b.id, b.hash), present(c.id, c.hash)] : [absent(b.id)]));
  const registry = new TargetRegistry({} as RegistryContext, [factory], { node: () => undefined, environment: () => undefined, environments: () => [] });
  for (let round = 0; round < 5; round++) {
    // Both targets answer concurrently: whichever finishes last must not decide another's resources.
    const observed = await observeResources(registry, [a, b, c], new Map());
    assert.equal(observed.get(a.id)?.state, 'present');
    assert.equal(observed.get(b.id)?.state, 'absent', "node:b's own answer about b-0 stands");
    const left = observed.get(c.id);
    assert.equal(left?.state, 'unknown', 'c-0 was left out by node:b: Unknown, not taken from node:a');
    assert.match(left?.cause?.message ?? '', /node:b did not report Instance c-0 in its answer/);
  }
});
