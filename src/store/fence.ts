// Fencing: a daemon replica writes for an environment only while it holds that environment's lease
// with the token it was given (docs/ha.md). A store opened with a fence checks, in the same
// transaction as the write, that each fenced environment's lease row still carries this replica and
// this token (and has not expired); a paused or partitioned former owner gets LeaseLost instead of
// writing. `valid()` is the replica's own view (its lease deadline on the monotonic clock), checked
// after the write too, so a process frozen past its lease (SIGSTOP) stops before it calls a target.

/** The leases a session writes under. */
export interface Fence {
  /** The replica holding the leases. */
  replica: string;
  /** Environment → fencing token the replica acquired it with. */
  leases: ReadonlyMap<string, number>;
  /** False once the replica's own lease deadline has passed (it may have been taken over). */
  valid(): boolean;
}

/** A write refused because the writer no longer holds the lease: never retried by the executor. */
export class LeaseLost extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LeaseLost';
  }
}
