// Entry point of the Git source: picks the kind of source from what the user passed as --repo.
import { resolve } from 'node:path';
import { UserError } from '../model/errors.js';
import { isRemoteRepo, isUnsupportedUrl } from './remote-url.js';
import type { Source, SourceOptions } from './source.js';
import { openWorktreeSource } from './worktree-source.js';

export { isRemoteRepo } from './remote-url.js';
export { requireLocalSource } from './local-dir.js';
export type { ListedFile, ResolvedRevision, Source, SourceFile, SourceOptions } from './source.js';

/**
 * Opens `opts.repo` at `opts.ref`. `opts.repo` is an http(s) URL, or a local directory: the
 * repository root or any directory inside it. `opts.path` is relative to `opts.repo`.
 * - local, no ref: the working tree as it is on disk; rootDir = the directory.
 * - local with ref: the committed tree read from the object store (working tree untouched);
 *   rootDir = the directory (its files may differ from the revision; use readFile for those bytes).
 * - URL: cloned once into `opts.cacheDir`, fetched on later runs; rootDir = a cached checkout of
 *   the whole revision.
 * Every expected failure (missing repo, unknown ref, missing path) is a UserError (exit code 2).
 */
export async function openSource(opts: SourceOptions): Promise<Source> {
  const repo = opts.repo || '.';
  if (!isRemoteRepo(repo) && isUnsupportedUrl(repo)) {
    throw new UserError(`unsupported repository URL: ${repo.replace(/\/\/[^@/]*@/, '//')} (use an http(s) URL or a local directory)`);
  }
  if (isRemoteRepo(repo)) {
    const { openRemoteSource } = await import('./remote-source.js');
    return openRemoteSource({ ...opts, url: repo });
  }
  const dir = resolve(repo);
  if (opts.ref) {
    // Imported on demand: it loads isomorphic-git, which a working-tree run does not need.
    const { openLocalRefSource } = await import('./local-ref-source.js');
    return openLocalRefSource({ dir, ref: opts.ref, path: opts.path });
  }
  return openWorktreeSource({ dir, path: opts.path, cacheDir: opts.cacheDir, listing: opts.listing });
}
