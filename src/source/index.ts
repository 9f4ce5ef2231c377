// Entry point of the Git source: picks the kind of source from what the user passed as --repo.
import { resolve } from 'node:path';
import { openLocalRefSource } from './local-ref-source.js';
import type { Source, SourceOptions } from './source.js';
import { openWorktreeSource } from './worktree-source.js';

export type { ResolvedRevision, Source, SourceFile, SourceOptions } from './source.js';

/** True when --repo names a remote repository rather than a local directory. */
export function isRemoteRepo(repo: string): boolean {
  return /^https?:\/\//i.test(repo);
}

/**
 * Opens `opts.repo` at `opts.ref`: an http(s) URL is cloned/fetched into `opts.cacheDir`; a local
 * directory is read from its working tree, or with a ref from its object store. `opts.path` is
 * relative to `opts.repo`. Every expected failure is a UserError (exit code 2).
 */
export async function openSource(opts: SourceOptions): Promise<Source> {
  const repo = opts.repo || '.';
  if (isRemoteRepo(repo)) {
    const { openRemoteSource } = await import('./remote-source.js');
    return openRemoteSource({ ...opts, url: repo });
  }
  const dir = resolve(repo);
  if (opts.ref) return openLocalRefSource({ dir, ref: opts.ref, path: opts.path });
  return openWorktreeSource({ dir, path: opts.path, cacheDir: opts.cacheDir });
}
