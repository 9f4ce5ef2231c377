// Checks a user-given local directory up front, so a typo is a one-line UserError and not ENOENT.
import { stat } from 'node:fs/promises';
import { UserError } from '../model/errors.js';

/** Throws UserError(message) unless `dir` exists and is a directory. */
export async function requireDirectory(dir: string, message: string): Promise<void> {
  const st = await stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) throw new UserError(message);
}
