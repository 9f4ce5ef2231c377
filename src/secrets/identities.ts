// The controller's age identities: where they come from (--age-identity-file, the daemon's
// `ageIdentityFile`, BOREAS_AGE_IDENTITY_FILE) and how an identity file is read. Several files and
// several keys per file are allowed, so a key can be rotated: add the new identity, re-encrypt the
// secrets to the new recipient, then drop the old identity.
import { readFile } from 'node:fs/promises';
import { delimiter, resolve } from 'node:path';
import { UserError } from '../model/errors.js';

/** The environment variable naming identity files (several separated by ':'). */
export const IDENTITY_ENV = 'BOREAS_AGE_IDENTITY_FILE';

/** How a user can give identities, for messages. */
export const IDENTITY_SOURCES = `--age-identity-file, the daemon's ageIdentityFile or ${IDENTITY_ENV}`;

/** Identity files in force: the ones given explicitly (flags, then config), else the environment's. */
export function identityFiles(explicit: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): string[] {
  if (explicit.length) return explicit.map((f) => resolve(f));
  const fromEnv = env[IDENTITY_ENV];
  return fromEnv
    ? fromEnv
        .split(delimiter)
        .filter(Boolean)
        .map((f) => resolve(f))
    : [];
}

/** An age identity (`AGE-SECRET-KEY-1…`) with the recipient it decrypts for. */
export interface AgeIdentity {
  identity: string;
  recipient: string;
  /** The file it was read from, for messages. */
  file: string;
}

/**
 * Reads identity files in the format age-keygen writes (one `AGE-SECRET-KEY-1…` per line, `#`
 * comments, blank lines). A line that is neither is an error naming the file and line, never its text.
 */
export async function loadIdentities(files: readonly string[]): Promise<AgeIdentity[]> {
  const out: AgeIdentity[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new UserError(`cannot read the age identity file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 1);
    }
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i].trim();
      if (!line || line.startsWith('#')) continue;
      if (!/^AGE-SECRET-KEY-(PQ-)?1[0-9A-Z]+$/.test(line))
        throw new UserError(`${file}:${i + 1}: not an age identity (expected AGE-SECRET-KEY-1…, as age-keygen writes)`, 1);
      let recipient: string;
      try {
        recipient = await (await import('age-encryption')).identityToRecipient(line);
      } catch {
        throw new UserError(`${file}:${i + 1}: not a valid age identity`, 1);
      }
      out.push({ identity: line, recipient, file });
    }
  }
  return out;
}
