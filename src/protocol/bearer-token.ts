// Bearer-token check. The agent keeps only the sha256 of its token: the file is read once at start,
// hashed and dropped, so neither memory dumps nor the state file hold the token itself. Comparing
// hashes of equal length with timingSafeEqual makes the check constant-time in the presented value.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UserError } from '../model/errors.js';

export type TokenHash = Buffer;

export function hashToken(token: string): TokenHash {
  return createHash('sha256').update(token.trim(), 'utf8').digest();
}

/** Reads and hashes the token file; a missing or empty file is a startup error. */
export function readTokenHash(file: string): TokenHash {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`--token-file ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  if (!text.trim()) throw new UserError(`--token-file ${file}: the file is empty`);
  return hashToken(text);
}

/** True when the Authorization header carries the token whose hash is `expected`. */
export function checkBearer(header: string | undefined, expected: TokenHash): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  const presented = hashToken(m ? m[1] : '');
  // Always compare (even without a header) so timing does not reveal which check failed.
  return timingSafeEqual(presented, expected) && m !== null;
}
