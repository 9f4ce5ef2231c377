// Release batches per owner (docs/design.md, Manifests: Release strategy: "wait for each batch to finish; on failure stop the
// following batches"). A task of batch n+1 of an owner is held until every task of batches <= n of
// that owner has finished. Tasks without a batch number are never held.

interface Gated {
  owner: string;
  batch?: number;
}

export class ReleaseBatches<E extends Gated> {
  /** Unfinished task count per owner and batch. */
  private readonly unfinished = new Map<string, Map<number, number>>();
  private readonly parked = new Map<string, E[]>();

  /** Registers a task that has not finished yet. */
  add(entry: E): void {
    if (entry.batch === undefined) return;
    const counts = this.unfinished.get(entry.owner) ?? this.unfinished.set(entry.owner, new Map()).get(entry.owner)!;
    counts.set(entry.batch, (counts.get(entry.batch) ?? 0) + 1);
  }

  /** True while an earlier batch of the entry's owner still has unfinished tasks. */
  held(entry: E): boolean {
    return entry.batch !== undefined && entry.batch > this.openBatch(entry.owner);
  }

  /** Keeps a held entry until its batch opens. */
  park(entry: E): void {
    (this.parked.get(entry.owner) ?? this.parked.set(entry.owner, []).get(entry.owner)!).push(entry);
  }

  /** Marks an entry finished; returns the parked entries whose batch has now opened. */
  finish(entry: E): E[] {
    if (entry.batch === undefined) return [];
    const counts = this.unfinished.get(entry.owner)!;
    const left = (counts.get(entry.batch) ?? 1) - 1;
    if (left > 0) {
      counts.set(entry.batch, left);
      return [];
    }
    counts.delete(entry.batch);
    const parked = this.parked.get(entry.owner) ?? [];
    const released = parked.filter((e) => !this.held(e));
    this.parked.set(
      entry.owner,
      parked.filter((e) => this.held(e)),
    );
    return released;
  }

  private openBatch(owner: string): number {
    const counts = this.unfinished.get(owner);
    if (!counts || counts.size === 0) return Infinity;
    return Math.min(...counts.keys());
  }
}
