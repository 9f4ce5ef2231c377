import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrations, openSqliteStore, schemaVersion } from '../../src/store/index.js';
import { openDatabase } from '../../src/store/sqlite/open.js';
import { UserError } from '../../src/model/errors.js';
import { resource, tempDir } from './fixtures.js';

test('a new state file is created in a new directory, in WAL mode with foreign keys, at the latest schema', async (t) => {
  const file = join(tempDir(t), 'nested', 'dir', 'state.db');
  const store = openSqliteStore(file);
  await store.close();
  assert.ok(existsSync(file));
  const db = new Database(file, { readonly: true });
  t.after(() => db.close());
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(schemaVersion(db), migrations[migrations.length - 1].version);
  const applied = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as Array<{ version: number }>;
  assert.deepEqual(
    applied.map((r) => r.version),
    migrations.map((m) => m.version),
  );
  const opened = openDatabase(file);
  t.after(() => opened.close());
  assert.equal(opened.pragma('foreign_keys', { simple: true }), 1);
  assert.ok((opened.pragma('busy_timeout', { simple: true }) as number) >= 1000);
});

test('reopening a file written at an older schema version migrates it and keeps its rows', async (t) => {
  const file = join(tempDir(t), 'state.db');
  const old = openDatabase(file, { migrations: migrations.slice(0, 1) });
  assert.equal(schemaVersion(old), 1);
  old
    .prepare(`INSERT INTO inventory (resource_id, target, owner, resource, applied_hash, revision, last_task_key, applied_at)
    VALUES (?, 'local', 'app', ?, ?, 'rev0', 'k0', '2026-01-01T00:00:00.000Z')`)
    .run(resource('api-0').id, JSON.stringify(resource('api-0')), resource('api-0').hash);
  const indexesBefore = old.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'tasks_by_run'").all();
  assert.equal(indexesBefore.length, 0);
  old.close();

  const store = openSqliteStore(file);
  t.after(() => store.close());
  const inv = await store.listInventory();
  assert.equal(inv.length, 1);
  assert.equal(inv[0].resource.id, 'local/Instance/api-0');
  assert.equal(inv[0].lastTaskKey, 'k0');
  const db = new Database(file, { readonly: true });
  t.after(() => db.close());
  assert.equal(schemaVersion(db), migrations[migrations.length - 1].version);
  assert.equal(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'tasks_by_run'").all().length, 1);
});

test('version 3 adds commit subject/author to revisions and changed counts to history; older rows read back without them', async (t) => {
  const file = join(tempDir(t), 'state.db');
  const old = openDatabase(file, { migrations: migrations.slice(0, 2) });
  old.prepare("INSERT INTO revisions (sha, tree_hash, source, ref, seen_at, valid) VALUES ('a1', 't1', 'repo', NULL, '2026-01-01T00:00:00Z', 1)").run();
  old.prepare("INSERT INTO runs (command, revision, started_at) VALUES ('reconcile', 'a1', '2026-01-01T00:00:00Z')").run();
  old.prepare("INSERT INTO app_revisions (application, revision, run_id, result, desired_hash, at) VALUES ('api', 'a1', 1, 'succeeded', 'h1', 'x')").run();
  old.close();

  const store = openSqliteStore(file);
  t.after(() => store.close());
  assert.deepEqual(await store.getRevision('a1'), { sha: 'a1', treeHash: 't1', source: 'repo', seenAt: '2026-01-01T00:00:00Z', valid: true });
  assert.equal((await store.listAppRevisions('api'))[0].changed, undefined);

  const rev = { sha: 'b2', treeHash: 't2', source: 'repo', seenAt: '2026-01-02T00:00:00Z', valid: true };
  await store.recordRevision({ ...rev, subject: 'Raise the api to v2', author: 'Ada Lovelace', committedAt: '2026-01-02T00:00:00.000Z' });
  assert.deepEqual(await store.getRevision('b2'), { ...rev, subject: 'Raise the api to v2', author: 'Ada Lovelace', committedAt: '2026-01-02T00:00:00.000Z' });
  const before = store.rowsWritten();
  await store.recordRevision({ ...rev, subject: 'Raise the api to v2', author: 'Ada Lovelace', committedAt: '2026-01-02T00:00:00.000Z' });
  assert.equal(store.rowsWritten(), before, 'recording the same revision again writes nothing');
  const runId = await store.startRun('reconcile', 'b2');
  await store.recordAppRevision({ application: 'api', revision: 'b2', runId, result: 'succeeded', desiredHash: 'h1', changed: 1 });
  assert.deepEqual(
    (await store.listAppRevisions('api')).map((r) => [r.revision, r.changed]),
    [
      ['b2', 1],
      ['a1', undefined],
    ],
  );
});

test('version 5 keeps the history lines written before it: an application reads them after the lines of newer runs', async (t) => {
  const file = join(tempDir(t), 'state.db');
  const old = openDatabase(file, { migrations: migrations.filter((m) => m.version <= 4) });
  old.prepare("INSERT INTO runs (command, revision, started_at) VALUES ('reconcile', 'a1', '2026-01-01T00:00:00Z')").run();
  old
    .prepare("INSERT INTO app_revisions (application, revision, run_id, result, desired_hash, at, changed) VALUES ('api', 'a1', 1, 'succeeded', 'h1', 'x', 1)")
    .run();
  old.close();

  const store = openSqliteStore(file);
  t.after(() => store.close());
  const runId = await store.startRun('reconcile', 'b2');
  await store.recordAppRevisions(runId, 'b2', [{ application: 'api', result: 'succeeded', desiredHash: 'h2', changed: 2 }]);
  assert.deepEqual(
    (await store.listAppRevisions('api')).map((r) => [r.revision, r.runId, r.desiredHash, r.changed]),
    [
      ['b2', runId, 'h2', 2],
      ['a1', 1, 'h1', 1],
    ],
  );
  const db = new Database(file, { readonly: true });
  t.after(() => db.close());
  assert.equal(schemaVersion(db), 5);
  assert.equal(db.prepare('SELECT COUNT(*) FROM app_revisions').pluck().get(), 1, 'the old line stays where it was');
});

test('a state file from a newer Boreas is refused with a message naming the file', (t) => {
  const file = join(tempDir(t), 'state.db');
  openSqliteStore(file).close();
  const db = new Database(file);
  db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 'x')").run();
  db.close();
  assert.throws(
    () => openSqliteStore(file),
    (err: unknown) => err instanceof UserError && err.message.includes(file) && err.message.includes('99'),
  );
});

test('a failing migration leaves the file at the last whole version', (t) => {
  const file = join(tempDir(t), 'state.db');
  const broken = [...migrations.slice(0, 1), { version: 2, name: 'broken', sql: 'CREATE TABLE half (x); CREATE TABLE inventory (dup)' }];
  assert.throws(() => openDatabase(file, { migrations: broken }), UserError);
  const db = new Database(file, { readonly: true });
  t.after(() => db.close());
  assert.equal(schemaVersion(db), 1);
  assert.equal(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").all().length, 0);
});
