// The store contract against a real PostgreSQL: one throwaway cluster for this file, a fresh
// database per test. Skips with the reason when PostgreSQL is not installed or cannot start.
import { after, before } from 'node:test';
import { openPostgresStore } from '../../../src/store/postgres/index.js';
import { postgresSkipReason, startPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { storeContract } from './suite.js';

let pg: TestPostgres | undefined;
let unavailable = postgresSkipReason();
let databases = 0;
const urls = new WeakMap<object, string>();

before(async () => {
  if (unavailable) return;
  try {
    pg = await startPostgres();
  } catch (err) {
    unavailable = (err as Error).message.split('\n')[0];
  }
});
after(() => pg?.stop());

storeContract({
  async open(t) {
    if (!pg) {
      t.skip(unavailable);
      return undefined;
    }
    const url = await pg.createDatabase(`contract_${++databases}`);
    const store = openPostgresStore(url);
    await store.ready();
    urls.set(store, url);
    t.after(() => store.close());
    return store;
  },
  async reopen(t, store) {
    await store.close();
    const again = openPostgresStore(urls.get(store)!);
    t.after(() => again.close());
    return again;
  },
});
