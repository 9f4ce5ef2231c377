// node-postgres, loaded on first use: most runs keep their state in SQLite, and requiring `pg`
// (and its stream/connection modules) costs ~30 ms of start-up that they should not pay.
import { createRequire } from 'node:module';
import type pg from 'pg';

const requireHere = createRequire(import.meta.url);

/** The `pg` module; required (once: Node caches it) when a PostgreSQL store or listener opens. */
export function pgModule(): typeof pg {
  return requireHere('pg') as typeof pg;
}
