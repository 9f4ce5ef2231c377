// Placement of one application's ordinals on machine nodes. Pure and deterministic so `plan` and
// `reconcile` agree and an unchanged manifest never moves an instance: an ordinal stays on the node
// it ran on while that node is still in scope, not cordoned and has room (an unreachable node keeps its
// ordinals); only ordinals without a home are placed, on the least-loaded eligible (reachable) node
// (ties broken by name). Ordinals are always 0..replicas-1, so a
// stateful app's BOREAS_INSTANCE_ID survives reconciles and moves.

/** A node as placement sees it. */
export interface PlacementNode {
  name: string;
  labels: Record<string, string>;
  cordoned: boolean;
  /** false when the node's agent does not answer. */
  online: boolean;
}

export interface PlacementInput {
  app: string;
  replicas: number;
  nodes: PlacementNode[];
  /** Label selector: every key must match. */
  selector?: Record<string, string>;
  /** Explicit node names allowed (in addition to the selector). */
  names?: string[];
  /** At most this many instances of the app per node (default 1). */
  maxPerNode?: number;
  /** Node each ordinal ran on before (from the inventory). */
  previous: Map<number, string>;
  /** Slot each ordinal had before, so a kept instance keeps its ports when others leave. */
  previousSlots?: Map<number, number>;
}

/** Why an instance leaves the node it ran on. */
export type MoveReason = 'cordoned' | 'not-selected' | 'node-gone' | 'over-capacity';

export interface PlacementMove {
  ordinal: number;
  from: string;
  /** New node, or undefined when the ordinal found no eligible node. */
  to?: string;
  reason: MoveReason;
}

export interface InstancePlacement {
  ordinal: number;
  node: string;
  /** Index of the instance among this app's instances on the node: ports are declared + slot. */
  slot: number;
}

export interface PlacementResult {
  placements: InstancePlacement[];
  /** Ordinals that found no eligible node. */
  unplaced: number;
  /** Ordinals that ran elsewhere before (what `plan` shows for a cordon or a node leaving the selection). */
  moves: PlacementMove[];
}

/** Places ordinals 0..replicas-1 of `input.app` on eligible nodes (see the file comment). */
export function placeInstances(input: PlacementInput): PlacementResult {
  const maxPerNode = Math.max(1, input.maxPerNode ?? 1);
  const byName = new Map(input.nodes.map((n) => [n.name, n]));
  const eligible = input.nodes.filter((n) => isEligible(n, input)).sort((a, b) => cmp(a.name, b.name));
  // An unreachable node keeps what it runs: its instances are Unknown, never started a second time
  // elsewhere (a stateful ordinal must not run twice); only new placements avoid it.
  const keepNames = new Set(input.nodes.filter((n) => matchesScope(n, input) && !n.cordoned).map((n) => n.name));
  const load = new Map<string, number>([...keepNames].map((n) => [n, 0]));
  const assigned = new Map<number, string>();
  const moves: PlacementMove[] = [];
  const leaving = new Map<number, { from: string; reason: MoveReason }>();

  // 1. Keep every ordinal on its previous node while that node is eligible and has room.
  for (let ordinal = 0; ordinal < input.replicas; ordinal++) {
    const prev = input.previous.get(ordinal);
    if (prev === undefined) continue;
    if (keepNames.has(prev) && load.get(prev)! < maxPerNode) {
      assigned.set(ordinal, prev);
      load.set(prev, load.get(prev)! + 1);
    } else {
      leaving.set(ordinal, { from: prev, reason: whyIneligible(byName.get(prev), input, keepNames.has(prev)) });
    }
  }

  // 2. Everything else goes to the least-loaded eligible node (ties by name).
  let unplaced = 0;
  for (let ordinal = 0; ordinal < input.replicas; ordinal++) {
    if (assigned.has(ordinal)) continue;
    let best: string | undefined;
    for (const n of eligible) {
      const l = load.get(n.name)!;
      if (l >= maxPerNode) continue;
      if (best === undefined || l < load.get(best)!) best = n.name;
    }
    const left = leaving.get(ordinal);
    if (best === undefined) {
      unplaced++;
      if (left) moves.push({ ordinal, from: left.from, reason: left.reason });
      continue;
    }
    assigned.set(ordinal, best);
    load.set(best, load.get(best)! + 1);
    if (left) moves.push({ ordinal, from: left.from, to: best, reason: left.reason });
  }

  return { placements: assignSlots(assigned, input), unplaced, moves };
}

/**
 * Slots per node: kept ordinals keep their previous slot when it is still free; then kept ordinals,
 * then moved/new ones take the lowest free slot in ordinal order.
 */
function assignSlots(assigned: Map<number, string>, input: PlacementInput): InstancePlacement[] {
  const used = new Map<string, Set<number>>();
  const slotOf = new Map<number, number>();
  const ordinals = [...assigned.keys()].sort((a, b) => a - b);
  for (const ordinal of ordinals) {
    const node = assigned.get(ordinal)!;
    const prevSlot = input.previousSlots?.get(ordinal);
    const taken = used.get(node) ?? used.set(node, new Set()).get(node)!;
    if (input.previous.get(ordinal) === node && prevSlot !== undefined && !taken.has(prevSlot)) {
      taken.add(prevSlot);
      slotOf.set(ordinal, prevSlot);
    }
  }
  // Kept ordinals before moved/new ones, so an instance that stays never changes ports.
  const kept = (o: number) => input.previous.get(o) === assigned.get(o);
  for (const ordinal of [...ordinals.filter(kept), ...ordinals.filter((o) => !kept(o))]) {
    if (slotOf.has(ordinal)) continue;
    const taken = used.get(assigned.get(ordinal)!)!;
    let slot = 0;
    while (taken.has(slot)) slot++;
    taken.add(slot);
    slotOf.set(ordinal, slot);
  }
  return ordinals.map((ordinal) => ({ ordinal, node: assigned.get(ordinal)!, slot: slotOf.get(ordinal)! }));
}

function matchesScope(n: PlacementNode, input: PlacementInput): boolean {
  if (input.names && !input.names.includes(n.name)) return false;
  if (input.selector && !Object.entries(input.selector).every(([k, v]) => n.labels[k] === v)) return false;
  return true;
}

function isEligible(n: PlacementNode, input: PlacementInput): boolean {
  return matchesScope(n, input) && !n.cordoned && n.online;
}

function whyIneligible(n: PlacementNode | undefined, input: PlacementInput, eligible: boolean): MoveReason {
  if (!n) return 'node-gone';
  if (eligible) return 'over-capacity';
  if (!matchesScope(n, input)) return 'not-selected';
  return 'cordoned';
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
