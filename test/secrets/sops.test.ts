// SOPS files with age recipients: our decoder (src/secrets/sops.ts) against files built with the real
// age CLI, cross-checked value by value with sops-age (an independent SOPS decoder from npm), and
// refused when the MAC, a value's position or the key does not match.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { parse } from 'yaml';
import { decryptSopsValue } from '../../src/secrets/sops.js';
import { loadIdentities } from '../../src/secrets/identities.js';
import { SecretError } from '../../src/secrets/errors.js';
import { ageKeygen, ageMissing } from '../helpers/age.js';
import { sopsEncrypt } from '../helpers/sops.js';

// sops-age ships CommonJS only (its ESM entry is missing from the package).
const { decryptSops } = createRequire(import.meta.url)('sops-age') as {
  decryptSops(input: string, opts: { secretKey: string; fileType: 'yaml' | 'json' }): Promise<Record<string, unknown>>;
};

const data = {
  database: { user: 'app', password: 'p4ss\nword with spaces', port: 5432, ratio: 0.25, tls: true },
  hosts: ['a.example', 'b.example'],
  empty: '',
  note_unencrypted: 'readable in Git',
};

test('YAML and JSON files decrypt to the values sops-age decrypts, MAC verified', { skip: ageMissing }, async () => {
  const key = await ageKeygen();
  const ids = await loadIdentities([key.file]);
  for (const format of ['yaml', 'json'] as const) {
    const text = await sopsEncrypt(data, [key.recipient], { format });
    assert.doesNotMatch(text, /p4ss/, 'the plaintext is not in the file');
    assert.match(text, /readable in Git/, 'the _unencrypted value stays readable');
    const ours = (k: string) => decryptSopsValue(Buffer.from(text), k, ids, `app.sops.${format}`);
    const theirs = await decryptSops(text, { secretKey: key.identity, fileType: format });
    assert.equal(await ours('database.password'), 'p4ss\nword with spaces');
    assert.equal(await ours('database.password'), (theirs.database as { password: string }).password);
    assert.equal(await ours('database.user'), (theirs.database as { user: string }).user);
    assert.equal(await ours('database.port'), String((theirs.database as { port: number }).port));
    assert.equal(await ours('database.ratio'), String((theirs.database as { ratio: number }).ratio));
    assert.equal(await ours('database.tls'), String((theirs.database as { tls: boolean }).tls));
    assert.equal(await ours('hosts.1'), (theirs.hosts as string[])[1]);
    assert.equal(await ours('empty'), '');
    assert.equal(await ours('note_unencrypted'), theirs.note_unencrypted);
    await assert.rejects(ours('database'), /not a scalar/);
    await assert.rejects(ours('database.nope'), /app\.sops\.\w+: no value at key "database\.nope"/);
  }
});

test('encrypted_regex and mac_only_encrypted files verify too', { skip: ageMissing }, async () => {
  const key = await ageKeygen();
  const ids = await loadIdentities([key.file]);
  const text = await sopsEncrypt({ stringData: { token: 't0ken-value' }, kind: 'Secret' }, [key.recipient], {
    encryptedRegex: '^stringData$',
    macOnlyEncrypted: true,
  });
  assert.match(text, /kind: Secret/);
  assert.equal(await decryptSopsValue(Buffer.from(text), 'stringData.token', ids, 's.yaml'), 't0ken-value');
  const theirs = await decryptSops(text, { secretKey: key.identity, fileType: 'yaml' });
  assert.equal((theirs.stringData as { token: string }).token, 't0ken-value');
});

test('a modified, moved or removed value is refused (MAC and per-value authentication)', { skip: ageMissing }, async () => {
  const key = await ageKeygen();
  const ids = await loadIdentities([key.file]);
  const text = await sopsEncrypt(data, [key.recipient]);
  const doc = parse(text);
  const reject = (mutate: (d: typeof doc) => void, why: RegExp) => {
    const d = structuredClone(doc);
    mutate(d);
    return assert.rejects(decryptSopsValue(Buffer.from(JSON.stringify(d)), 'database.user', ids, 'x.yaml'), (err: unknown) => {
      assert.ok(err instanceof SecretError);
      assert.match((err as Error).message, why);
      assert.doesNotMatch((err as Error).message, /p4ss|app\b/);
      return true;
    });
  };
  // An unencrypted value edited: only the MAC can tell.
  await reject((d) => (d.note_unencrypted = 'edited'), /^x\.yaml: MAC mismatch/);
  // Two encrypted values swapped: their key paths are authenticated.
  await reject(
    (d) => ([d.database.user, d.database.password] = [d.database.password, d.database.user]),
    /^x\.yaml: database\.(user|password): value cannot be authenticated/,
  );
  // A value removed.
  await reject((d) => delete d.hosts, /MAC mismatch/);
  // Values reordered inside a list (the MAC covers order).
  await reject((d) => d.hosts.reverse(), /MAC mismatch/);
  // No MAC at all.
  await reject((d) => delete d.sops.mac, /has no mac/);
});

test('without an identity, or with another one, the error names the file and the recipients', { skip: ageMissing }, async () => {
  const [owner, other] = [await ageKeygen(), await ageKeygen()];
  const text = Buffer.from(await sopsEncrypt(data, [owner.recipient]));
  await assert.rejects(decryptSopsValue(text, 'database.user', [], 'secrets/app.yaml'), /^SecretError: secrets\/app\.yaml: no age identity configured/);
  await assert.rejects(decryptSopsValue(text, 'database.user', await loadIdentities([other.file]), 'secrets/app.yaml'), (err: SecretError) => {
    assert.equal(err.message, `secrets/app.yaml: no identity matches (recipients: ${owner.recipient})`);
    assert.match(err.hint ?? '', new RegExp(other.recipient));
    return true;
  });
  // Several identities (a key rotation): the one that matches is used.
  assert.equal(await decryptSopsValue(text, 'database.user', await loadIdentities([other.file, owner.file]), 'secrets/app.yaml'), 'app');
});
