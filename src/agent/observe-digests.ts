// The agent's half of `POST /v1/observe-digests` (protocol/observe.ts): every observation is sent
// with its digest, and only its digest when the controller already holds an equal one. A no-op
// resync of many resources then carries a few bytes per resource back instead of each whole
// observation, which the controller would parse, compare and throw away again.
import type { ObservedResource } from '../model/resource.js';
import type { DigestObservation } from '../protocol/observe.js';
import { hashJson } from '../util/hash.js';

/** Observations by digest (sha256 of canonical JSON), the observation left out where `known` has that digest. */
export function byDigest(observations: ObservedResource[], known: Record<string, string>): DigestObservation[] {
  return observations.map((observation) => {
    const digest = hashJson(observation);
    return known[observation.id] === digest ? { digest } : { digest, observation };
  });
}
