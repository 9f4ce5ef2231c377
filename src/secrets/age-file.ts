// age files: decryption (armored or binary) with the controller's identities, and encryption for
// `boreas secrets encrypt`. Uses age-encryption, the reference TypeScript implementation of age, so
// files written by the age CLI, age-keygen keys and SOPS's age stanzas all interoperate.
import { IDENTITY_SOURCES, type AgeIdentity } from './identities.js';
import { SecretError } from './errors.js';

const armorHeader = '-----BEGIN AGE ENCRYPTED FILE-----';

/** age-encryption, imported on first use: most runs decrypt nothing (start-up, issue 12). */
const ageEncryption = () => import('age-encryption');

/** True when the bytes are an ASCII-armored age file (`age -a`). */
export function isArmored(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 64)).toString('latin1').trimStart().startsWith(armorHeader);
}

/**
 * The plaintext of an age file. `label` names the file in errors: no identity configured, no identity
 * matching (with the recipients tried), or a file that is not age at all.
 */
export async function decryptAge(bytes: Uint8Array, identities: readonly AgeIdentity[], label: string): Promise<Uint8Array> {
  if (identities.length === 0) throw new SecretError(`${label}: no age identity configured (${IDENTITY_SOURCES})`);
  const { armor, Decrypter } = await ageEncryption();
  let ciphertext: Uint8Array;
  try {
    ciphertext = isArmored(bytes) ? armor.decode(Buffer.from(bytes).toString('latin1')) : bytes;
  } catch (err) {
    throw new SecretError(`${label}: not a valid armored age file (${(err as Error).message})`);
  }
  const d = new Decrypter();
  for (const id of identities) d.addIdentity(id.identity);
  try {
    return await d.decrypt(ciphertext);
  } catch (err) {
    const message = (err as Error).message ?? String(err);
    if (/no identity matched/i.test(message))
      throw noIdentityMatches(
        label,
        identities.map((i) => i.recipient),
      );
    throw new SecretError(`${label}: cannot decrypt (${message})`);
  }
}

/** `<label>: no identity matches (recipients: …)`, with a hint saying what to do. */
export function noIdentityMatches(label: string, recipients: readonly string[], ours?: readonly string[]): SecretError {
  const hint = ours
    ? `this controller's recipient is ${ours.join(', ') || '(none: no identity configured)'}; add it to the file's recipients`
    : `the file is not encrypted to this controller's recipient; re-encrypt it: boreas secrets encrypt --recipient ${recipients[0] ?? 'age1…'}`;
  return new SecretError(`${label}: no identity matches (recipients: ${[...new Set(recipients)].join(', ')})`, hint);
}

/** Encrypts `plaintext` to every recipient; armored text when `armored`, else binary age. */
export async function encryptAge(plaintext: Uint8Array, recipients: readonly string[], armored: boolean): Promise<Uint8Array> {
  const { armor, Encrypter } = await ageEncryption();
  const e = new Encrypter();
  for (const r of recipients) e.addRecipient(r);
  const ciphertext = await e.encrypt(plaintext);
  return armored ? Buffer.from(armor.encode(ciphertext), 'latin1') : ciphertext;
}
