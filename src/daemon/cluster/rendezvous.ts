// Which replica should own an environment: rendezvous (highest-random-weight) hashing. Every replica
// scores every environment with a hash of (replica, environment); the highest score wins. A replica
// joining takes over only the environments it now scores highest on (about 1/N of them); one leaving
// gives each of its environments to that environment's runner-up. No coordination, no ring, no
// static replica count — every replica computes the same answer from the same live set.
// Plain rendezvous hashing is uneven on small counts (30 environments over 3 replicas often split
// 13/9/8), so `assign` bounds the load: pairs are taken by descending score and a replica stops
// taking environments once it has its share. Each environment still goes to its highest-scoring
// replica that has room, so a join moves little more than 1/N of them (0.28 for 30 over 3 → 4,
// averaged) and shards differ by at most one.
import { createHash } from 'node:crypto';

function score(replica: string, environment: string): bigint {
  return createHash('sha256').update(replica).update('\0').update(environment).digest().readBigUInt64BE(0);
}

/**
 * environment → owner for all of them: rendezvous hashing with bounded loads. Every replica gets
 * floor(environments / replicas) or one more (the remainder goes to those reaching it first), so
 * shards differ by at most one. Deterministic: the same sets give the same map on every replica.
 */
export function assign(environments: Iterable<string>, replicas: readonly string[]): Map<string, string> {
  const envs = [...new Set(environments)];
  const out = new Map<string, string>();
  if (!replicas.length || !envs.length) return out;
  const base = Math.floor(envs.length / replicas.length);
  let extra = envs.length % replicas.length;
  const pairs = envs.flatMap((e) => replicas.map((r) => ({ e, r, s: score(r, e) })));
  pairs.sort((a, b) => (a.s === b.s ? (a.e === b.e ? (a.r < b.r ? -1 : 1) : a.e < b.e ? -1 : 1) : a.s > b.s ? -1 : 1));
  const load = new Map<string, number>();
  // Room only ever shrinks and the total room is exactly the number of environments, so each one
  // finds a replica with room at one of its pairs.
  for (const { e, r } of pairs) {
    if (out.has(e)) continue;
    const l = load.get(r) ?? 0;
    if (l === base && extra > 0) extra--;
    else if (l >= base) continue;
    out.set(e, r);
    load.set(r, l + 1);
  }
  return out;
}
