// Which replica should own an environment: rendezvous (highest-random-weight) hashing. Every replica
// scores every environment with a hash of (replica, environment); the highest score wins. A replica
// joining takes over only the environments it now scores highest on (about 1/N of them); one leaving
// gives each of its environments to that environment's runner-up. No coordination, no ring, no
// static replica count — every replica computes the same answer from the same live set.
import { createHash } from 'node:crypto';

function score(replica: string, environment: string): bigint {
  return createHash('sha256').update(replica).update('\0').update(environment).digest().readBigUInt64BE(0);
}

/** The preferred owner of `environment` among `replicas` (undefined when there are none). */
export function preferredOwner(environment: string, replicas: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = -1n;
  for (const r of replicas) {
    const s = score(r, environment);
    if (s > bestScore || (s === bestScore && best !== undefined && r < best)) {
      best = r;
      bestScore = s;
    }
  }
  return best;
}

/** environment → preferred owner, for all of them. */
export function assign(environments: Iterable<string>, replicas: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const env of environments) {
    const owner = preferredOwner(env, replicas);
    if (owner) out.set(env, owner);
  }
  return out;
}
