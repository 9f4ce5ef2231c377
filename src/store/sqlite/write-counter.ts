// Counts rows written through the store. Every mutating statement goes through `run`, so the
// benchmark can assert that a no-op reconcile wrote exactly zero rows, and so every string written
// (run summaries, task and attempt messages, audit events, observations) passes redaction of resolved
// secrets first: nothing secret reaches the state file, whichever table a message lands in.
import type { RunResult, Statement } from 'better-sqlite3';
import { redact } from '../../util/redact.js';

export class WriteCounter {
  private rows = 0;

  /** Runs a prepared write statement (resolved secrets masked in its text) and adds its `changes` to the count. */
  run(stmt: Statement, ...params: unknown[]): RunResult {
    const info = stmt.run(...params.map((p) => (typeof p === 'string' ? redact(p) : p)));
    this.rows += info.changes;
    return info;
  }

  /** Adds rows written by a statement read with get() (UPDATE ... RETURNING). */
  add(rows: number): void {
    this.rows += rows;
  }

  get total(): number {
    return this.rows;
  }
}

/** The clock the store stamps rows with (injectable so tests are deterministic). */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
