// `boreas state migrate --from <sqlite> --to <url>` through the real CLI against a real PostgreSQL:
// everything a single-node installation recorded reads back the same from PostgreSQL (runs, tasks and
// their attempts, history, audit, kv, inventory), new runs continue after the copied ids, and a
// database that already holds state is refused without a change and without showing the password.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/store.js';
import { runCli } from '../helpers/cli.js';
import { postgresSkipReason, startPostgres } from '../helpers/postgres.js';
import { resource, task, tempDir } from './fixtures.js';

/** What a user sees of a store: every list the CLI and the daemon read. */
async function snapshot(store: Store) {
  const runs = await store.listRuns(10);
  return {
    runs,
    tasks: await store.listTasks({}),
    attempts: await store.listAttempts('api-2'),
    history: await store.listAppRevisions('app'),
    audit: await store.listAudit(),
    kv: [...(await store.listKv('certs')).entries()],
    inventory: await store.listInventory(),
    revision: await store.getRevision('r1'),
    desired: await store.loadDesired('r1'),
  };
}

test('state migrate copies a SQLite state into PostgreSQL and refuses a database holding state', {
  skip: postgresSkipReason(),
  timeout: 120_000,
}, async (t) => {
  let pg: Awaited<ReturnType<typeof startPostgres>>;
  try {
    pg = await startPostgres();
  } catch (err) {
    t.skip((err as Error).message.split('\n')[0]);
    return;
  }
  t.after(() => pg.stop());
  const dir = tempDir(t);
  const file = join(dir, 'state.db');
  const sqlite = openSqliteStore(file);
  const api = resource('api-0');
  await sqlite.recordRevision({ sha: 'r1', treeHash: 't1', source: 'repo', ref: 'main', seenAt: '2026-01-01T00:00:00.000Z', valid: true });
  await sqlite.saveDesired('r1', [api, resource('web-0')]);
  for (let i = 0; i < 3; i++) {
    const run = await sqlite.startRun('reconcile', 'r1');
    await sqlite.upsertTask(task('api-0', { resource: api, key: `api-${i}` }), run, 'app');
    await sqlite.upsertTask(task('web-0', { key: `web-${i}` }), run, 'app');
    await sqlite.setTaskState(`api-${i}`, 'succeeded', 'created', 'started');
    await sqlite.recordAttempt(`api-${i}`, 'created', `attempt ${i}`, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z');
    await sqlite.recordAppRevision({ application: 'app', revision: 'r1', runId: run, result: 'applied', desiredHash: `h${i}` });
    // A run's lines for every application in one row (how reconcile records them).
    if (i === 2) await sqlite.recordAppRevisions(run, 'r1', [{ application: 'app', result: 'succeeded', desiredHash: 'h-run', changed: 2 }]);
    await sqlite.finishRun(run, true, { n: i });
  }
  await sqlite.recordApplied(api, 'api-2', 'r1');
  await sqlite.audit({ type: 'apply', subject: 'app', message: 'applied api-0', data: { n: 1 } });
  await sqlite.setKv('certs', 'example.org', '{"sealed":"x"}');
  const before = await snapshot(sqlite);
  await sqlite.close();

  // trust authentication accepts any password: the URL carries one that must never be printed.
  const url = pg.url.replace('postgres@', 'postgres:hunter2-secret@');
  const ok = await runCli(['state', 'migrate', '--from', file, '--to', url]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /copied \d+ rows from .*state\.db to postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1/);
  assert.match(ok.stdout, /tasks\s+6\n/);
  assert.doesNotMatch(ok.stdout + ok.stderr, /hunter2/);

  const copy = openPostgresStore(pg.url);
  t.after(() => copy.close());
  assert.deepEqual(await snapshot(copy), before);
  assert.deepEqual(
    before.history.map((h) => [h.runId, h.desiredHash]),
    [
      [3, 'h-run'],
      [3, 'h2'],
      [2, 'h1'],
      [1, 'h0'],
    ],
    'run lines and single lines both copied',
  );
  // Ids continue after the copied ones, and task order within a run is kept.
  assert.equal(await copy.startRun('reconcile', 'r2'), 4);
  assert.deepEqual(
    (await copy.listTasks({ runId: 3 })).map((k) => k.key),
    ['api-2', 'web-2'],
  );

  const again = await runCli(['state', 'migrate', '--from', file, '--to', url]);
  assert.equal(again.code, 2, again.stderr);
  assert.match(again.stderr, /already holds state; migrate into an empty database/);
  assert.doesNotMatch(again.stderr, /hunter2|\n\s+at /);
  assert.equal((await copy.listRuns(10)).length, 4, 'nothing changed');

  const missing = await runCli(['state', 'migrate', '--from', join(dir, 'nope.db'), '--to', url]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--from .*nope\.db: no such state file/);
});
