// A state file that exists is never taken for a fresh install: emptied, truncated, garbage or another
// program's SQLite file is refused (read-write and read-only) with one message naming the file, and
// the file is left exactly as it was. A new file appears whole (never a half-made one a crash could
// leave behind), and temporary files of a creation that was killed are cleaned up.
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { StateFileUnusable } from '../../src/model/errors.js';
import { openSqliteStore } from '../../src/store/index.js';
import { resource, tempDir } from './fixtures.js';

/** A real state file with a few rows, big enough to be truncated in the middle. */
function populated(dir: string): string {
  const file = join(dir, 'state.db');
  const store = openSqliteStore(file);
  for (let i = 0; i < 200; i++) store.recordApplied(resource(`api-${i}`), `k${i}`, 'rev1');
  store.close();
  return file;
}

const damage: Record<string, { why: RegExp; apply(file: string): void }> = {
  emptied: { why: /the file is empty/, apply: (f) => truncateSync(f, 0) },
  truncated: { why: /malformed/, apply: (f) => truncateSync(f, Math.floor(statSync(f).size / 2)) },
  garbage: { why: /not an SQLite database/, apply: (f) => writeFileSync(f, 'this is not a database\n'.repeat(400)) },
  'header only': { why: /not an SQLite database/, apply: (f) => writeFileSync(f, 'SQLite format 3\0') },
  'another program': {
    why: /an SQLite database without Boreas tables/,
    apply: (f) => {
      truncateSync(f, 0);
      const db = new Database(f);
      db.exec('CREATE TABLE photos (id INTEGER PRIMARY KEY, path TEXT)');
      db.close();
    },
  },
};

for (const [name, { why, apply }] of Object.entries(damage)) {
  test(`a state file that is ${name} is refused, read-write and read-only, and left as it was`, (t) => {
    const file = populated(tempDir(t));
    apply(file);
    const before = readFileSync(file);
    for (const readOnly of [false, true]) {
      assert.throws(
        () => openSqliteStore(file, { readOnly }),
        (err: unknown) =>
          err instanceof StateFileUnusable &&
          err.exitCode === 2 &&
          why.test(err.message) &&
          err.message.startsWith(`${file}: not a Boreas state file (`) &&
          err.message.endsWith('); move it away or restore a backup'),
      );
    }
    assert.deepEqual(readFileSync(file), before, 'not a byte changed');
  });
}

test('a new state file is created whole; moved away, a damaged one makes room for a fresh start', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'state.db');
  // What a creation killed half-way leaves: its temporary file, named after a process that is gone.
  writeFileSync(join(dir, 'state.db.999999999.0badc0de.new'), '');
  const store = openSqliteStore(file);
  store.close();
  assert.deepEqual(readdirSync(dir).sort(), ['state.db'], 'no temporary or journal files left');
  assert.equal(statSync(file).mode & 0o777, 0o600);

  copyFileSync(file, `${file}.bak`);
  truncateSync(file, 0);
  assert.throws(() => openSqliteStore(file), StateFileUnusable);
  copyFileSync(`${file}.bak`, file);
  openSqliteStore(file).close();
});
