// Counts rows written through the store. Every mutating statement goes through `run`, so the
// benchmark can assert that a no-op reconcile wrote exactly zero rows.
import type { RunResult, Statement } from 'better-sqlite3';

export class WriteCounter {
  private rows = 0;

  /** Runs a prepared write statement and adds its `changes` to the count. */
  run(stmt: Statement, ...params: unknown[]): RunResult {
    const info = stmt.run(...params);
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
