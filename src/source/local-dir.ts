// Checks a user-given local directory up front, so a typo is a one-line UserError and not ENOENT.
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UserError } from '../model/errors.js';
import { isRemoteRepo, isUnsupportedUrl } from './remote-url.js';
import { normalizeSourcePath } from './source-path.js';

/** Throws UserError(message) unless `dir` exists and is a directory. */
export async function requireDirectory(dir: string, message: string): Promise<void> {
  const st = await stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) throw new UserError(message);
}

/** The one wording of a missing local --repo (absolute `dir`). */
export function repoNotFound(dir: string): string {
  return `repository not found: ${dir}`;
}

/** The one wording of a --path that is not a directory of the working tree `dir`. */
export function pathNotFound(rel: string, dir: string): string {
  return `path not found: "${rel}" is not a directory in ${dir}`;
}

/**
 * The checks of a local working-tree source that need no state, for commands that create the state
 * file (reconcile, daemon) to run before they create anything: a typo in `--repo` or `--path` is then
 * the same one-line error `openSource` gives, and no `<repo>/.boreas/state.db` (with the directories
 * of the mistyped path) is left behind. Remote repositories and `--ref` paths are checked by the
 * source itself (they need a fetch).
 */
export async function requireLocalSource(opts: { repo?: string; ref?: string; path?: string }): Promise<void> {
  const repo = opts.repo || '.';
  if (isRemoteRepo(repo) || isUnsupportedUrl(repo)) return;
  const dir = resolve(repo);
  await requireDirectory(dir, repoNotFound(dir));
  const rel = normalizeSourcePath(opts.path);
  if (rel && !opts.ref) await requireDirectory(join(dir, rel), pathNotFound(rel, dir));
}
