// age files made by the real age CLI (armored and binary) decrypt with the controller's identity
// files; the wrong key, no key or a broken file is a SecretError naming the file, never the value.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decryptAge, encryptAge } from '../../src/secrets/age-file.js';
import { identityFiles, loadIdentities } from '../../src/secrets/identities.js';
import { resolveSecret } from '../../src/secrets/resolve.js';
import { ageDecrypt, ageEncrypt, ageKeygen, ageMissing } from '../helpers/age.js';

test('armored and binary files from the age CLI decrypt; wrong or missing keys are named errors', { skip: ageMissing }, async () => {
  const [key, other] = [await ageKeygen(), await ageKeygen()];
  const ids = await loadIdentities([key.file]);
  assert.deepEqual(
    ids.map((i) => i.recipient),
    [key.recipient],
  );
  for (const armor of [true, false]) {
    const ct = await ageEncrypt('s3cr3t\0with nul', [key.recipient], { armor });
    assert.equal(Buffer.from(await decryptAge(ct, ids, 'secrets/db.age')).toString(), 's3cr3t\0with nul');
    await assert.rejects(decryptAge(ct, [], 'secrets/db.age'), /^SecretError: secrets\/db\.age: no age identity configured \(--age-identity-file/);
    await assert.rejects(
      decryptAge(ct, await loadIdentities([other.file]), 'secrets/db.age'),
      (err: Error) => err.message === `secrets/db.age: no identity matches (recipients: ${other.recipient})`,
    );
  }
  await assert.rejects(
    decryptAge(Buffer.from('-----BEGIN AGE ENCRYPTED FILE-----\nnot base64!\n'), ids, 'x.age'),
    /^SecretError: x\.age: not a valid armored age file/,
  );
  await assert.rejects(decryptAge(Buffer.from('plain text'), ids, 'x.age'), /^SecretError: x\.age: cannot decrypt/);
});

test('several identities (rotation) and files written by boreas decrypt with the age CLI', { skip: ageMissing }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'boreas-ids-'));
  const [oldKey, newKey] = [await ageKeygen(dir, 'old.txt'), await ageKeygen(dir, 'new.txt')];
  const both = join(dir, 'both.txt');
  await writeFile(both, `# two keys during a rotation\n${oldKey.identity}\n\n${newKey.identity}\n`);
  const ids = await loadIdentities([both]);
  assert.equal(ids.length, 2);
  const ct = await ageEncrypt('v', [newKey.recipient]);
  assert.equal(Buffer.from(await decryptAge(ct, ids, 'x.age')).toString(), 'v');
  const ours = Buffer.from(await encryptAge(Buffer.from('from boreas'), [oldKey.recipient, newKey.recipient], true));
  assert.match(ours.toString(), /^-----BEGIN AGE ENCRYPTED FILE-----/);
  assert.equal((await ageDecrypt(ours, oldKey.file)).toString(), 'from boreas');
  assert.equal((await ageDecrypt(ours, newKey.file)).toString(), 'from boreas');
});

test('identity files: errors name file and line, never the line; BOREAS_AGE_IDENTITY_FILE is a list', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'boreas-ids-'));
  const bad = join(dir, 'bad.txt');
  await writeFile(bad, '# comment\nAGE-SECRET-KEY-NOT-REALLY-A-KEY hunter2\n');
  await assert.rejects(loadIdentities([bad]), (err: Error) => err.message.startsWith(`${bad}:2: not an age identity`) && !/hunter2/.test(err.message));
  await assert.rejects(loadIdentities([join(dir, 'missing.txt')]), /cannot read the age identity file .*missing\.txt: ENOENT/);
  assert.deepEqual(identityFiles([], { BOREAS_AGE_IDENTITY_FILE: '/a/k1.txt:/b/k2.txt' }), ['/a/k1.txt', '/b/k2.txt']);
  assert.deepEqual(identityFiles(['/x/flag.txt'], { BOREAS_AGE_IDENTITY_FILE: '/a/k1.txt' }), ['/x/flag.txt'], 'flags win over the environment');
});

test('resolveSecret: controller files must be small regular files; encrypted values need a revision', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'boreas-res-'));
  await assert.rejects(resolveSecret({ file: '/dev/zero' }), /secret file \/dev\/zero is not a regular file/);
  const big = join(dir, 'big');
  await writeFile(big, Buffer.alloc(1024 * 1024 + 1));
  await assert.rejects(resolveSecret({ file: big }), /is larger than 1048576 bytes/);
  const limit = join(dir, 'limit');
  await writeFile(limit, Buffer.alloc(1024 * 1024, 'x'));
  assert.equal((await resolveSecret({ file: limit })).length, 1024 * 1024, 'exactly 1 MiB is allowed');
  // stat() of a /proc file says 0 bytes: the whole content is read all the same.
  assert.equal(await resolveSecret({ file: '/proc/self/cmdline' }), readFileSync('/proc/self/cmdline', 'utf8'));
  // A FIFO is refused at once, without waiting for a writer (the test would hang otherwise).
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  await assert.rejects(resolveSecret({ file: fifo }), /secret file .*fifo is not a regular file/);
  await assert.rejects(resolveSecret({ env: 'BOREAS_TEST_SURELY_UNSET' }), /environment variable BOREAS_TEST_SURELY_UNSET is not set/);
  await assert.rejects(resolveSecret({ age: 'secrets/db.age' }), /secrets\/db\.age: encrypted values are resolved only while a revision is applied/);
});
