// A Source over a local directory as it is on disk (no --ref). The revision is the HEAD commit when
// the files are exactly HEAD's tree, otherwise `worktree:<treeHash>`, so uncommitted edits are
// never reported under a commit SHA that does not contain them. "The repository" symlinks must stay
// in is the git work tree the directory belongs to (the directory itself outside git).
import fs from 'node:fs';
import { readFile, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../model/errors.js';
import { findGitRepo, resolveWorktreeHead } from './find-git-repo.js';
import { gitTreeSha } from './git-object-hash.js';
import { commitFacts, type GitCache } from './commit-facts.js';
import { pathNotFound, repoNotFound, requireDirectory } from './local-dir.js';
import type { ListedFile, ResolvedRevision, Source, SourceFile } from './source.js';
import { normalizeSourcePath } from './source-path.js';
import { scanWorktree, symlinkProblem, type ScanIo, type ScannedFile } from './worktree-scan.js';

export interface WorktreeSourceOptions {
  /** The directory (`--repo`), absolute. */
  dir: string;
  /** Manifests dir relative to `dir`. */
  path?: string;
  cacheDir: string;
  /** Test seam: count or fake file reads. */
  io?: ScanIo;
  /** The files and their stats from the caller's walk (SourceOptions.listing). */
  listing?: ListedFile[];
}

/**
 * Opens the working tree. The directory is scanned once, on first use, and that snapshot answers
 * listFiles() and resolve(); open a new Source to see later edits.
 */
export async function openWorktreeSource(opts: WorktreeSourceOptions): Promise<Source> {
  await requireDirectory(opts.dir, repoNotFound(opts.dir));
  const repo = findGitRepo(opts.dir);
  if (repo && !repo.workTree) throw new UserError(`${opts.dir} is a bare git repository: give --ref to read a revision from it`);
  const rel = normalizeSourcePath(opts.path);
  const manifestsDir = rel ? join(opts.dir, rel) : opts.dir;
  await requireDirectory(manifestsDir, pathNotFound(rel, opts.dir));
  const repoRoot = await realpath(repo?.workTree ?? opts.dir);
  if (rel) {
    const leaves = await symlinkProblem(manifestsDir, repoRoot);
    if (leaves?.problem) throw new UserError(`path "${rel}": ${leaves.problem}`);
  }

  let scan: Promise<ScannedFile[]> | undefined;
  // Bytes the scan already read to hash them, handed out once by readFile (a cold load reads each file once).
  const scanned = new Map<string, Buffer>();
  // Refused symlinks (never read) and in-repository symlinks (read at the real path that was checked).
  const refused = new Map<string, string>();
  const targets = new Map<string, string>();
  const files = () =>
    (scan ??= scanWorktree(manifestsDir, opts.cacheDir, opts.io, repoRoot, opts.listing).then((list) => {
      for (const f of list) {
        if (f.content) scanned.set(f.path, f.content);
        if (f.problem) refused.set(f.path, f.problem);
        if (f.target) targets.set(f.path, f.target);
      }
      return list.map(({ content: _content, target: _target, ...f }) => f);
    }));
  let revision: Promise<ResolvedRevision> | undefined;

  return {
    description: opts.dir,
    rootDir: opts.dir,
    resolve: () => (revision ??= files().then((f) => worktreeRevision(opts.dir, rel, gitTreeSha(f)))),
    listFiles: async () => (await files()).map(({ path, blobSha, problem }): SourceFile => ({ path, blobSha, ...(problem ? { problem } : {}) })),
    readFile: async (path) => {
      const file = normalizeSourcePath(path);
      await files();
      const problem = refused.get(file);
      if (problem) throw new UserError(`${file}: ${problem}`);
      const held = scanned.get(file);
      if (held) {
        scanned.delete(file);
        return held;
      }
      return readFile(targets.get(file) ?? join(manifestsDir, file));
    },
  };
}

/** HEAD's SHA if HEAD's tree at the manifests dir has exactly this tree SHA, else a worktree id. */
async function worktreeRevision(dir: string, rel: string, treeHash: string): Promise<ResolvedRevision> {
  const uncommitted: ResolvedRevision = { sha: `worktree:${treeHash}`, treeHash };
  const repo = findGitRepo(dir);
  if (!repo?.workTree) return uncommitted;
  const cache: GitCache = {};
  try {
    // Loaded here, not at the top: a directory outside git (or one whose HEAD cannot match) never needs it.
    const { default: git } = await import('isomorphic-git');
    const head = await resolveWorktreeHead(repo);
    const treePath = [repo.prefix, rel].filter(Boolean).join('/');
    const { oid } = await git.readTree({ fs, gitdir: repo.gitdir, oid: head, filepath: treePath || undefined, cache });
    if (oid !== treeHash) return uncommitted;
    const { commit } = await git.readCommit({ fs, gitdir: repo.gitdir, oid: head, cache });
    return { sha: head, treeHash, ...commitFacts(commit) };
  } catch {
    // No commits yet, or the manifests dir is not committed: the files are simply uncommitted.
    return uncommitted;
  }
}
