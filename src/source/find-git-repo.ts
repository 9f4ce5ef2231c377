// Finds the git repository a directory belongs to, the way git does: walk up to the first `.git`
// (a directory, or a file `gitdir: <path>` for worktrees and submodules), or accept a bare repo.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** A located repository: its git dir, its work tree root (absent for a bare repo) and where `dir` sits in it. */
export interface GitRepoLocation {
  gitdir: string;
  workTree?: string;
  /** `dir` relative to the work tree root, forward slashes, '' at the root. */
  prefix: string;
}

/** Returns undefined when `dir` is in no git repository. */
export function findGitRepo(dir: string): GitRepoLocation | undefined {
  const start = resolve(dir);
  if (isBareRepo(start)) return { gitdir: start, prefix: '' };
  for (let cur = start; ; cur = dirname(cur)) {
    const dotGit = join(cur, '.git');
    const gitdir = readDotGit(dotGit);
    if (gitdir) return { gitdir, workTree: cur, prefix: relative(cur, start).split(sep).join('/') };
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

function isBareRepo(dir: string): boolean {
  return existsSync(join(dir, 'HEAD')) && existsSync(join(dir, 'objects')) && existsSync(join(dir, 'refs'));
}
