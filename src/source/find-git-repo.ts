// Finds the git repository a directory belongs to, the way git does: walk up to the first `.git`
// (a directory, or a file `gitdir: <path>` for worktrees and submodules), or accept a bare repo.
import fs, { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** A located repository: its git dir, its work tree root (absent for a bare repo) and where `dir` sits in it. */
export interface GitRepoLocation {
  /** Where objects and refs live (for a linked worktree: the main repository's git dir). */
  gitdir: string;
  /** Where this work tree's HEAD lives; differs from gitdir only in linked worktrees (`git worktree add`). */
  headGitdir: string;
  workTree?: string;
  /** `dir` relative to the work tree root, forward slashes, '' at the root. */
  prefix: string;
}

/** Returns undefined when `dir` is in no git repository. */
export function findGitRepo(dir: string): GitRepoLocation | undefined {
  const start = resolve(dir);
  if (isBareRepo(start)) return { gitdir: start, headGitdir: start, prefix: '' };
  for (let cur = start; ; cur = dirname(cur)) {
    const dotGit = join(cur, '.git');
    const headGitdir = readDotGit(dotGit);
    if (headGitdir) {
      // isomorphic-git does not follow `commondir`, so hand it the shared git dir ourselves.
      const gitdir = readCommonDir(headGitdir) ?? headGitdir;
      return { gitdir, headGitdir, workTree: cur, prefix: relative(cur, start).split(sep).join('/') };
    }
    if (dirname(cur) === cur) return undefined;
  }
}

function readDotGit(dotGit: string): string | undefined {
  try {
    const st = statSync(dotGit);
    if (st.isDirectory()) return dotGit;
    const m = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, 'utf8'));
    return m ? resolve(dirname(dotGit), m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function readCommonDir(gitdir: string): string | undefined {
  try {
    return resolve(gitdir, readFileSync(join(gitdir, 'commondir'), 'utf8').trim());
  } catch {
    return undefined;
  }
}

/** The commit HEAD of this work tree points at (linked worktrees have their own HEAD). */
export async function resolveWorktreeHead(repo: GitRepoLocation): Promise<string> {
  const head = readFileSync(join(repo.headGitdir, 'HEAD'), 'utf8').trim();
  const m = /^ref:\s*(.+)$/.exec(head);
  if (!m) return head;
  // Loaded on demand: finding the repository (every local run) must not load isomorphic-git.
  const { default: git } = await import('isomorphic-git');
  return git.resolveRef({ fs, gitdir: repo.gitdir, ref: m[1] });
}

function isBareRepo(dir: string): boolean {
  return existsSync(join(dir, 'HEAD')) && existsSync(join(dir, 'objects')) && existsSync(join(dir, 'refs'));
}
