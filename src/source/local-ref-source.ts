// A Source over a committed revision of a local repository (--ref on a directory): the tree is read
// from the object store, so neither the working tree nor the index is touched, and a dirty or
// checked-out-elsewhere working tree does not matter.
import { resolve as resolvePath } from 'node:path';
import { UserError } from '../model/errors.js';
import { findGitRepo } from './find-git-repo.js';
import { resolveCommit, type GitCache } from './git-revision.js';
import { openGitTreeSource } from './git-tree-source.js';
import { repoNotFound, requireDirectory } from './local-dir.js';
import type { Source } from './source.js';
import { normalizeSourcePath } from './source-path.js';

export interface LocalRefSourceOptions {
  /** The repository root or any directory inside it (absolute). */
  dir: string;
  ref: string;
  /** Manifests dir relative to `dir` (not to the repository root). */
  path?: string;
}

/**
 * rootDir is `dir` itself: files referenced relative to the manifests (raw Kubernetes dirs) are
 * read from the working tree, which may differ from the revision; callers needing the committed
 * bytes use readFile().
 */
export async function openLocalRefSource(opts: LocalRefSourceOptions): Promise<Source> {
  const dir = resolvePath(opts.dir);
  await requireDirectory(dir, repoNotFound(dir));
  const repo = findGitRepo(dir);
  if (!repo) throw new UserError(`not a git repository: ${dir} (--ref reads a committed revision, so --repo must be inside a git repository)`);
  const cache: GitCache = {};
  // HEAD (also in HEAD~1, @{u}) means this work tree's HEAD, which in a linked worktree is not the shared git dir's.
  const scope = { gitdir: repo.gitdir, headGitdir: repo.headGitdir, workTree: repo.workTree, cache, description: dir };
  const commit = await resolveCommit(scope, opts.ref);
  const treePath = [repo.prefix, normalizeSourcePath(opts.path)].filter(Boolean).join('/');
  return openGitTreeSource({ description: dir, rootDir: dir, gitdir: repo.gitdir, cache, commit, ref: opts.ref, treePath });
}
