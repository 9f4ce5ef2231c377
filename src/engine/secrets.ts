// Resolves `valueFrom` / `tokenFrom` sources where they are used. Values are returned to the caller
// only; nothing here logs or stores them.
import { readFile } from 'node:fs/promises';
import type { SecretSource } from '../model/manifest-types.generated.js';
import { UserError } from '../model/errors.js';

export async function resolveSecret(source: SecretSource): Promise<string> {
  if (source.env !== undefined) {
    const value = process.env[source.env];
    if (value === undefined) throw new UserError(`secret from environment variable ${source.env} is not set`, 1);
    return value;
  }
  if (source.file !== undefined) {
    try {
      return await readFile(source.file, 'utf8');
    } catch (err) {
      throw new UserError(`secret file ${source.file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 1);
    }
  }
  throw new UserError('secret source names neither env nor file', 1);
}
