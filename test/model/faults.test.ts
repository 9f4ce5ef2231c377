// Which raw errors are the machine's fault (one line, exit 2) and which stay errors: real errno errors
// from real system calls, and SQLite's codes. A wrong SQL statement or a plain Error is not a fault.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { EnvironmentFault, StateFileUnusable } from '../../src/model/errors.js';
import { attachPath, environmentFault } from '../../src/model/faults.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  assert.fail('expected a throw');
}

test('errno errors of real system calls become one line naming the path and what to do', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'boreas-faults-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // /dev/full answers every write with ENOSPC, for root too.
  const full = environmentFault(
    attachPath(
      thrown(() => writeFileSync('/dev/full', 'x')),
      '/dev/full',
    ),
  );
  assert.ok(full instanceof EnvironmentFault);
  assert.equal(full.exitCode, 2);
  assert.equal(full.message, '/dev/full: no space left on device (ENOSPC); free space there and run again');
  // A directory under a regular file (`--state some-file/state.db`): a path the user got wrong, told in
  // one line naming it (exit 2), never an internal error.
  writeFileSync(join(dir, 'file'), '');
  const notDir = environmentFault(thrown(() => mkdirSync(join(dir, 'file', 'sub'))));
  assert.ok(notDir instanceof EnvironmentFault);
  assert.equal(notDir.exitCode, 2);
  assert.equal(notDir.message, `${join(dir, 'file', 'sub')}: a part of the path is not a directory (ENOTDIR); use another path`);
  // A write on a file descriptor carries no path; the helpers that write files attach theirs.
  const bare = thrown(() => writeFileSync('/dev/full', 'x'));
  assert.equal((bare as { path?: string }).path, undefined);
  assert.match(environmentFault(attachPath(bare, join(dir, 'cache.v8')))?.message ?? '', new RegExp(`^${dir}/cache.v8: no space left on device`));
});

test('SQLite codes of the disk or the file are faults naming the state file; a wrong statement is not', () => {
  const ctx = { stateFile: '/srv/boreas/state.db' };
  assert.equal(
    environmentFault({ code: 'SQLITE_FULL', message: 'database or disk is full' }, ctx)?.message,
    '/srv/boreas/state.db: no space left on device (SQLITE_FULL); free space there and run again',
  );
  assert.match(environmentFault({ code: 'SQLITE_IOERR_WRITE', message: 'disk I/O error' }, ctx)?.message ?? '', /input\/output error \(SQLITE_IOERR_WRITE\)/);
  const corrupt = environmentFault({ code: 'SQLITE_CORRUPT', message: 'database disk image is malformed' }, ctx);
  assert.ok(corrupt instanceof StateFileUnusable);
  assert.equal(corrupt.message, '/srv/boreas/state.db: not a Boreas state file (database disk image is malformed); move it away or restore a backup');
  const db = new Database(':memory:');
  const bug = thrown(() => db.prepare('SELECT * FROM no_such_table').all());
  db.close();
  assert.equal((bug as { code?: string }).code, 'SQLITE_ERROR');
  assert.equal(environmentFault(bug, ctx), undefined, 'a wrong statement stays a bug');
  assert.equal(environmentFault(new Error('boom')), undefined);
  assert.equal(environmentFault('a string'), undefined);
});
