// The store contract against SQLite: a fresh state file per test.
import { join } from 'node:path';
import { openSqliteStore } from '../../../src/store/index.js';
import { tempDir } from '../fixtures.js';
import { storeContract } from './suite.js';

const files = new WeakMap<object, string>();

storeContract({
  async open(t) {
    const file = join(tempDir(t), 'state.db');
    const store = openSqliteStore(file);
    files.set(store, file);
    t.after(() => store.close());
    return store;
  },
  async reopen(t, store) {
    await store.close();
    const again = openSqliteStore(files.get(store)!);
    t.after(() => again.close());
    return again;
  },
});
