// Paths users and callers pass in (--path, readFile) are normalised once here, and anything that
// could escape the manifests root is refused.
import { UserError } from '../model/errors.js';

/** 'a\\b/./c/' → 'a/b/c'; '' or '.' → ''; UserError for absolute paths and `..` segments. */
export function normalizeSourcePath(path: string | undefined): string {
  if (!path) return '';
  const parts = path
    .replace(/\\/g, '/')
    .split('/')
    .filter((p) => p !== '' && p !== '.');
  if (path.startsWith('/') || parts.includes('..')) {
    throw new UserError(`path "${path}" must be relative to the repository and must not contain ".."`);
  }
  return parts.join('/');
}
