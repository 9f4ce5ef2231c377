// The controller's half of `POST /v1/observe-digests` (protocol/observe.ts): what a pushed node last
// answered, by resource, with the answer's digest. Sent back as `known`, it lets the node answer an
// unchanged observation with its digest only; the observation held here is then the answer (equal
// by digest to what the node observed just now). Held observations are frozen: the next resync
// hands the same objects out again, so nobody may change them. Entries not asked about for
// `idleMs` are dropped (a resource that left the repository).
import type { ObservedResource } from '../../model/resource.js';
import type { NodeFacts } from '../../protocol/facts.js';
import { type DigestObservation, type ObserveItem, observeDigestsFeature } from '../../protocol/observe.js';

export class ObservationMemo {
  private readonly held = new Map<string, { digest: string; observation: ObservedResource; usedAt: number }>();
  /** Whether the node's last facts offered observe-digests (an older agent does not). */
  digests = false;

  constructor(
    private readonly idleMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Remembers what the node serves, from facts it just sent. */
  noteFacts(facts: Pick<NodeFacts, 'features'> | undefined): void {
    this.digests = !!facts?.features?.includes(observeDigestsFeature);
  }

  /** The digests held for these items (the request's `known`). */
  known(items: ObserveItem[]): Record<string, string> {
    const known: Record<string, string> = {};
    for (const item of items) {
      const h = this.held.get(item.id);
      if (h) known[item.id] = h.digest;
    }
    return known;
  }

  /**
   * The observations of `items` from the node's answers (request order), holding the new ones;
   * undefined when an answer is a digest this memo does not hold (then ask again in full).
   */
  resolve(items: ObserveItem[], answers: DigestObservation[]): ObservedResource[] | undefined {
    if (answers.length !== items.length) return undefined;
    const at = this.now();
    const out: ObservedResource[] = [];
    for (let i = 0; i < items.length; i++) {
      const { digest, observation } = answers[i];
      const id = items[i].id;
      if (observation) {
        if (observation.id !== id) return undefined;
        deepFreeze(observation);
        this.held.set(id, { digest, observation, usedAt: at });
        out.push(observation);
        continue;
      }
      const h = this.held.get(id);
      if (h?.digest !== digest) return undefined;
      h.usedAt = at;
      out.push(h.observation);
    }
    this.sweep(at);
    return out;
  }

  /** Observations held now (tests). */
  get size(): number {
    return this.held.size;
  }

  private sweep(at: number): void {
    for (const [id, h] of this.held) if (at - h.usedAt >= this.idleMs) this.held.delete(id);
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
