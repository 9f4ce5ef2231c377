// The few things every PostgreSQL table module shares: something to run a query on (the pool, or
// the one client of a transaction), the write counter (rows written, and every string parameter
// passed through secret redaction first, as SQLite's WriteCounter does), and the fence check.
import type { QueryResult, QueryResultRow } from 'pg';
import { redact } from '../../util/redact.js';

/** A pool or a client: where a query runs. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(text: string, params?: unknown[]): Promise<QueryResult<R>>;
}

/** Counts rows written and masks resolved secrets in every string written. */
export class PgWriteCounter {
  private rows = 0;

  async run<R extends QueryResultRow = QueryResultRow>(db: Queryable, text: string, params: unknown[]): Promise<QueryResult<R>> {
    const result = await db.query<R>(
      text,
      params.map((p) => (typeof p === 'string' ? redact(p) : p)),
    );
    this.rows += result.rowCount ?? 0;
    return result;
  }

  add(rows: number): void {
    this.rows += rows;
  }

  get total(): number {
    return this.rows;
  }
}

/**
 * What a table module gets: `db` for reads, `write(fn)` around every write. Outside a transaction
 * `write` is where the fence check and the write share one transaction; inside one, it is the
 * transaction's client (checked once when the transaction began).
 */
export interface TableContext {
  db: Queryable;
  w: PgWriteCounter;
  now: () => Date;
  write<T>(fn: (db: Queryable) => Promise<T>): Promise<T>;
}
