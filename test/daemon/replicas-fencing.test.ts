// Fencing against a real PostgreSQL (docs/ha.md): once another replica has taken an expired lease,
// the former owner's writes for that environment — store rows and pull-agent tasks alike — are
// refused in the same transaction, whatever it believes; and a replica whose own lease deadline has
// passed (frozen by SIGSTOP) refuses before asking the database. A command run by hand waits for no
// replica: it is refused while a replica holds a live lease.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { acquireDatabaseWriterLock, ClusterTables, LeaseLost, openPostgresStore, type Fence, type PostgresStore } from '../../src/store/index.js';
import { postgresSkipReason, startPostgres, type TestPostgres } from '../helpers/postgres.js';

let pg: TestPostgres | undefined;
let unavailable = postgresSkipReason();
let store: PostgresStore;
before(async () => {
  if (unavailable) return;
  try {
    pg = await startPostgres();
    store = openPostgresStore(pg.url);
    await store.ready();
  } catch (err) {
    unavailable = (err as Error).message.split('\n')[0];
  }
});
after(async () => {
  await store?.close();
  await pg?.stop();
});

const fence = (replica: string, env: string, token: number, valid = () => true): Fence => ({ replica, leases: new Map([[env, token]]), valid });

test('a taken-over lease fences the former owner out of every write', async (t) => {
  if (!pg) return t.skip(unavailable);
  const tables = new ClusterTables(store);
  const first = await tables.acquire('prod', 'r1', 300);
  assert.deepEqual(first, { token: 1 });
  assert.equal(await tables.acquire('prod', 'r2', 300), undefined, 'held and live: not available');
  const r1 = store.fenced(fence('r1', 'prod', 1));
  await r1.setKv('n', 'k', 'by r1');
  const run = await r1.startRun('reconcile', 'rev');

  await new Promise((r) => setTimeout(r, 400)); // r1 missed its renewals (paused)
  const second = await tables.acquire('prod', 'r2', 10_000);
  assert.deepEqual(second, { token: 2, previousOwner: 'r1' });
  assert.deepEqual([...(await tables.renew('r1', new Map([['prod', 1]]), 10_000))], [], 'r1 cannot renew');

  // r1 still thinks it owns prod (its local deadline says so here): the database refuses anyway.
  await assert.rejects(r1.setKv('n', 'k', 'late'), LeaseLost);
  await assert.rejects(r1.finishRun(run, true, {}), /held by r2 with token 2/);
  await assert.rejects(
    r1.transaction(async (tx) => tx.setKv('n', 'k', 'late too')),
    LeaseLost,
  );
  await assert.rejects(tables.enqueuePull('node-1', 't1', 'key-1', '{}', 'r1', fence('r1', 'prod', 1)), LeaseLost);
  assert.equal(await store.getKv('n', 'k'), 'by r1');
  assert.equal(await pg.sql('SELECT count(*) FROM cluster_pull_tasks'), '0');
  assert.equal((await store.listRuns())[0].finishedAt, undefined);

  // The new owner writes; its queued task is there once even when queued twice.
  const r2 = store.fenced(fence('r2', 'prod', 2));
  await r2.setKv('n', 'k', 'by r2');
  await tables.enqueuePull('node-1', 't2', 'key-2', '{"taskId":"t2"}', 'r2', fence('r2', 'prod', 2));
  await tables.enqueuePull('node-1', 't3', 'key-2', '{"taskId":"t3"}', 'r2', fence('r2', 'prod', 2));
  assert.equal(await pg.sql("SELECT count(*) FROM cluster_pull_tasks WHERE idempotency_key = 'key-2'"), '1');
  // Two polls at once (two replicas): the task goes to exactly one of them.
  const [a, b] = await Promise.all([tables.takePull('node-1', 5, [], 60_000), tables.takePull('node-1', 5, [], 60_000)]);
  assert.equal(a.length + b.length, 1);
});

test('a replica past its own lease deadline refuses before writing', async (t) => {
  if (!pg) return t.skip(unavailable);
  const tables = new ClusterTables(store);
  const got = await tables.acquire('stage', 'r1', 10_000);
  assert.ok(got);
  let frozen = false;
  const r1 = store.fenced(fence('r1', 'stage', got.token, () => !frozen));
  await r1.setKv('s', 'k', 'ok');
  frozen = true; // SIGSTOP past the lease: the monotonic deadline has passed
  await assert.rejects(r1.setKv('s', 'k', 'after'), /lease deadline passed/);
  assert.equal(await store.getKv('s', 'k'), 'ok');
});

test('a command run by hand is refused while a replica holds a live lease, and replicas wait for a command', async (t) => {
  if (!pg) return t.skip(unavailable);
  const tables = new ClusterTables(store);
  await assert.rejects(acquireDatabaseWriterLock(store, 'reconcile'), /daemon replicas own this state \(environment prod: r2/);
  await pg.sql('UPDATE cluster_leases SET owner = NULL, expires_at = now() WHERE owner IS NOT NULL');
  const release = await acquireDatabaseWriterLock(store, 'reconcile');
  assert.equal(await tables.acquire('prod', 'r3', 10_000), undefined, 'no lease is taken while a command runs');
  await assert.rejects(acquireDatabaseWriterLock(store, 'down'), /another boreas command/);
  await release();
  assert.ok(await tables.acquire('prod', 'r3', 10_000));
});
