// Observe stage: read-only questions to the targets, all targets at once. First a probe of the
// targets the desired graph depends on (which nodes answer, what their edges look like); then each
// target is asked about its resources. A target that did not answer its probe is not asked again: its
// resources are Unknown with the probe's cause, and so is any resource a target's answer leaves out;
// what a target answers about resources it was not asked about is ignored.
// Nothing here writes anything.
import { type DesiredResource, type ObservedResource, type UnknownCause, unknownObservation } from '../model/resource.js';
import type { TargetRegistry } from '../targets/registry.js';
import type { Reachability, TargetFacts } from '../targets/target.js';

export interface Probes {
  /** Targets that answered, with their facts. */
  facts: Map<string, TargetFacts>;
  /** Targets that did not, with why. */
  unreachable: Map<string, UnknownCause>;
}

export async function probeTargets(registry: TargetRegistry, keys: string[]): Promise<Probes> {
  const results = await Promise.all(keys.map(async (key): Promise<[string, Reachability]> => [key, await (await registry.get(key)).probe()]));
  const probes: Probes = { facts: new Map(), unreachable: new Map() };
  for (const [key, r] of results) {
    if (r.reachable) probes.facts.set(key, r.facts);
    else probes.unreachable.set(key, r.cause);
  }
  return probes;
}

export async function observeResources(
  registry: TargetRegistry,
  resources: DesiredResource[],
  unreachable: Map<string, UnknownCause>,
): Promise<Map<string, ObservedResource>> {
  const byTarget = new Map<string, DesiredResource[]>();
  for (const r of resources) (byTarget.get(r.target) ?? byTarget.set(r.target, []).get(r.target)!).push(r);
  const out = new Map<string, ObservedResource>();
  await Promise.all(
    [...byTarget].map(async ([key, list]) => {
      const cause = unreachable.get(key);
      const observed = cause ? list.map((r) => unknownObservation(r.id, cause)) : await (await registry.get(key)).observe(list);
      // Only what this target was asked about counts: a node cannot answer for another's resources.
      const answered = new Map<string, ObservedResource>();
      for (const o of observed) answered.set(o.id, o);
      for (const r of list) {
        // A resource the target's answer left out was not observed: Unknown, not absent (absent would
        // re-create it next to the copy that may well be running).
        const o = answered.get(r.id);
        out.set(r.id, o ?? unknownObservation(r.id, { reason: 'error', subject: key, message: `${key} did not report ${r.kind} ${r.name} in its answer` }));
      }
    }),
  );
  return out;
}
