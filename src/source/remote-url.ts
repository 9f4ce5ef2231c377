// A remote URL as shown to users and used as a cache key: credentials stripped, because a token in
// `https://user:token@host/repo.git` must never reach logs, error messages or directory names.
import { UserError } from '../model/errors.js';
import { sha256 } from '../util/hash.js';

/** True when --repo names a remote repository rather than a local directory. */
export function isRemoteRepo(repo: string): boolean {
  return /^https?:\/\//i.test(repo);
}

/** ssh://, git://, file:// and scp-style `git@host:org/repo.git`: recognised only to say so clearly. */
export function isUnsupportedUrl(repo: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(repo) || /^[\w.-]+@[\w.-]+:/.test(repo);
}

/** The URL without userinfo, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    throw new UserError(`invalid repository URL: ${url.replace(/\/\/[^@/]*@/, '//')}`);
  }
}

/** Cache directory name for a remote: same repository, same clone, whatever credentials are used. */
export function remoteCacheKey(url: string): string {
  return sha256(redactUrl(url).replace(/\/+$/, '')).slice(0, 32);
}
