// The daemon's API token when the operator gave none: generated once (32 random bytes) into
// `<stateDir>/api.token`, mode 0600, and read back on every later start, so the API is never open by
// default and the operator finds the token where the start-up log says (the token itself is never
// logged).
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../model/errors.js';

export interface ApiToken {
  token: string;
  file: string;
  /** True when this start created the file. */
  generated: boolean;
}

export function ensureApiToken(stateDir: string): ApiToken {
  const file = join(stateDir, 'api.token');
  const existing = readToken(file);
  if (existing) return { token: existing, file, generated: false };
  const token = randomBytes(32).toString('base64url');
  try {
    writeFileSync(file, token + '\n', { mode: 0o600, flag: 'wx' });
    return { token, file, generated: true };
  } catch (err) {
    // Another daemon on the same state dir won the race: use its token.
    const theirs = (err as NodeJS.ErrnoException).code === 'EEXIST' ? readToken(file) : undefined;
    if (theirs) return { token: theirs, file, generated: false };
    throw new UserError(`cannot write the generated API token to ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function readToken(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UserError(`cannot read the API token file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
