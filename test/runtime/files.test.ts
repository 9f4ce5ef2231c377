// Atomic writes with modes, allowed roots (symlinks and `..` cannot escape), content-hash observation.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertAllowedPath, ensureFileBeneath, observeFile, writeFileAtomic } from '../../src/runtime/files/index.js';
import { tempDir } from './helpers.js';

test('writeFileAtomic creates parents, applies the exact mode and leaves no temp file', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'a/b/app.conf');
  const old = process.umask(0o077);
  try {
    await writeFileAtomic(path, 'one\n', '0644');
  } finally {
    process.umask(old);
  }
  assert.equal(readFileSync(path, 'utf8'), 'one\n');
  assert.equal(statSync(path).mode & 0o777, 0o644, 'mode not reduced by umask');
  await writeFileAtomic(path, 'two\n', '0600');
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(join(dir, 'a/b')), ['app.conf']);
  await assert.rejects(writeFileAtomic(path, 'x', '999'), /invalid file mode "999"/);
});

test('readers never see a partial file while it is rewritten', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'big.txt');
  const a = 'a'.repeat(2_000_000);
  const b = 'b'.repeat(2_000_000);
  await writeFileAtomic(path, a);
  let reads = 0;
  let writing = true;
  const reader = (async () => {
    while (writing) {
      const text = readFileSync(path, 'utf8');
      assert.ok(text === a || text === b, `read a torn file of ${text.length} bytes`);
      reads++;
      await new Promise((r) => setImmediate(r));
    }
  })();
  for (let i = 0; i < 10; i++) await writeFileAtomic(path, i % 2 ? a : b);
  writing = false;
  await reader;
  assert.ok(reads > 0);
});

test('assertAllowedPath resolves `..` and symlinks before checking the roots', (t) => {
  const dir = tempDir(t);
  const root = join(dir, 'allowed');
  const outside = join(dir, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  symlinkSync(outside, join(root, 'escape'));
  assert.equal(assertAllowedPath(join(root, 'app/config.yaml'), [root]), join(root, 'app/config.yaml'), 'not-yet-existing file inside is fine');
  const dotted = `${root}/../outside/x`;
  assert.throws(() => assertAllowedPath(dotted, [root]), {
    name: 'UserError',
    message: `path ${dotted} (resolves to ${join(outside, 'x')}) is outside the allowed roots (${root})`,
  });
  assert.throws(() => assertAllowedPath(join(root, 'escape/evil.conf'), [root]), /resolves to .*outside\/evil\.conf\) is outside the allowed roots/);
  assert.throws(() => assertAllowedPath(join(dir, 'allowed-sibling/x'), [root]), /is outside the allowed roots/, 'prefix of the name is not containment');
  assert.throws(() => assertAllowedPath('relative/x', [root]), /path must be absolute/);
  assert.throws(() => assertAllowedPath('/etc/passwd', []), /none configured/);
});

test('observeFile compares content hash and mode with the desired file', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'c.json');
  assert.deepEqual(await observeFile(path, { content: '{}' }), { exists: false, drift: [`${path} is missing`] });
  await writeFileAtomic(path, '{}', '0640');
  const ok = await observeFile(path, { content: '{}', mode: '0640' });
  assert.deepEqual(ok.drift, []);
  assert.equal(ok.contentHash, '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
  writeFileSync(path, '{"edited":true}');
  assert.deepEqual((await observeFile(path, { content: '{}', mode: '0640' })).drift, [`${path} was edited on disk`]);
  assert.deepEqual((await observeFile(path, { content: '{"edited":true}', mode: '0600' })).drift, [`${path} has mode 0640, want 0600`]);
});

test('ensureFileBeneath writes only what differs, and refuses a path through a symlink out of the root without creating anything', async (t) => {
  const dir = tempDir(t);
  const root = join(dir, 'root');
  const outside = join(dir, 'outside');
  mkdirSync(join(root, 'conf'), { recursive: true });
  mkdirSync(outside);
  const file = join(root, 'conf', 'app.conf');

  assert.equal((await ensureFileBeneath(file, [root], 'a=1\n', 0o640)).found, 'absent');
  assert.equal(readFileSync(file, 'utf8'), 'a=1\n');
  assert.equal(statSync(file).mode & 0o7777, 0o640);
  const ino = statSync(file).ino;

  // Unchanged: not rewritten (same inode: no temp file renamed over it).
  const same = await ensureFileBeneath(file, [root], 'a=1\n', 0o640);
  assert.equal(same.found, 'same');
  assert.equal(same.real, file);
  assert.equal(statSync(file).ino, ino);

  // A mode change alone, then a content change, are both written.
  assert.equal((await ensureFileBeneath(file, [root], 'a=1\n', 0o600)).found, 'different');
  assert.equal(statSync(file).mode & 0o7777, 0o600);
  assert.equal((await ensureFileBeneath(file, [root], 'a=2\n', 0o600)).found, 'different');
  assert.equal(readFileSync(file, 'utf8'), 'a=2\n');
  assert.deepEqual(readdirSync(join(root, 'conf')), ['app.conf']);

  // New directories are created for a new file.
  assert.equal((await ensureFileBeneath(join(root, 'new', 'deep', 'x.conf'), [root], 'x', 0o644)).found, 'absent');
  assert.equal(readFileSync(join(root, 'new', 'deep', 'x.conf'), 'utf8'), 'x');

  // root/escape -> outside: refused before sub/ is created there or anywhere.
  symlinkSync(outside, join(root, 'escape'));
  await assert.rejects(ensureFileBeneath(join(root, 'escape', 'sub', 'y.conf'), [root], 'y', 0o644), /outside the allowed roots/);
  assert.deepEqual(readdirSync(outside), []);
  assert.deepEqual(readdirSync(root).sort(), ['conf', 'escape', 'new']);
});
