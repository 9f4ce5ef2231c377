// The secret that seals private keys kept in the state store (certificate and ACME account keys).
// BOREAS_STATE_KEY when set (e.g. from a secret manager); otherwise a random key generated once into
// `<stateDir>/state.key` (mode 0600) beside — never inside — the SQLite file, so a copied state file
// alone reveals no key.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function stateSecret(stateDir: string): string {
  const fromEnv = process.env.BOREAS_STATE_KEY;
  if (fromEnv) return fromEnv;
  const file = join(stateDir, 'state.key');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = randomBytes(32).toString('base64');
  try {
    writeFileSync(file, key + '\n', { mode: 0o600, flag: 'wx' });
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim(); // another process won the race
    throw err;
  }
}
