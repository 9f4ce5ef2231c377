// Real git repositories for tests, built with the `git` CLI in a temp dir (never mocked), so what
// the code under test reads is exactly what a user's repository contains.
//
//   const repo = await createGitRepo({ 'manifests/app.yaml': 'kind: Application\n' });
//   const sha = await repo.commit('add app');       // commits every change in the work tree
//   await repo.tag('v1'); await repo.branch('dev');
//   t.after(() => repo.cleanup());
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Files to write: path relative to the work tree → content. */
export type FileTree = Record<string, string | Buffer>;

/** A temp repository (work tree at `dir`, branch `main`) with helpers that return commit SHAs. */
export interface GitRepo {
  /** Work tree root (absolute). */
  dir: string;
  /** Runs `git <args>` in the work tree and returns trimmed stdout. */
  git(...args: string[]): Promise<string>;
  /** Writes (creating directories) the given files. */
  write(files: FileTree): Promise<void>;
  /** Deletes the given files from the work tree. */
  remove(...paths: string[]): Promise<void>;
  /** Stages everything (`git add -A`) and commits; returns the new commit SHA. */
  commit(message: string): Promise<string>;
  /** Lightweight tag (or annotated when `message` is given) at HEAD or `at`. */
  tag(name: string, opts?: { message?: string; at?: string }): Promise<void>;
  /** Creates branch `name` at HEAD (or `at`) without switching to it. */
  branch(name: string, at?: string): Promise<void>;
  /** Switches the work tree to an existing branch. */
  checkout(name: string): Promise<void>;
  /** `git rev-parse <rev>`. */
  revParse(rev: string): Promise<string>;
  /** `git hash-object <path>` for a work-tree file: the blob SHA git would store. */
  hashObject(path: string): Promise<string>;
  /** Removes the temp directory. */
  cleanup(): Promise<void>;
}

/** Deterministic identity and no user/system config, so tests behave the same on every machine. */
export const gitEnv: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Boreas Test',
  GIT_AUTHOR_EMAIL: 'test@boreas.invalid',
  GIT_COMMITTER_NAME: 'Boreas Test',
  GIT_COMMITTER_EMAIL: 'test@boreas.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
};

/** Runs the git CLI with argument arrays (no shell) and returns trimmed stdout. */
export async function runGit(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('git', args, { cwd, env: gitEnv, maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

/** Writes `files` under `root`, creating parent directories. */
export async function writeFiles(root: string, files: FileTree): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const abs = join(root, path);
    await mkdir(dirname(abs), { recursive: true });
    await writeFile(abs, content);
  }
}

/**
 * Creates a repository in a fresh temp dir; when `files` is given they are written and committed
 * as "initial commit" (read the SHA with `repo.revParse('HEAD')`).
 */
export async function createGitRepo(files?: FileTree): Promise<GitRepo> {
  const dir = await mkdtemp(join(tmpdir(), 'boreas-git-'));
  const git = (...args: string[]) => runGit(dir, args);
  await git('init', '--quiet', '--initial-branch=main');
  const repo: GitRepo = {
    dir,
    git,
    write: (f) => writeFiles(dir, f),
    remove: async (...paths) => {
      for (const p of paths) await unlink(join(dir, p));
    },
    commit: async (message) => {
      await git('add', '-A');
      await git('commit', '--quiet', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD');
    },
    tag: async (name, opts = {}) => {
      const at = opts.at ? [opts.at] : [];
      await (opts.message ? git('tag', '-a', name, '-m', opts.message, ...at) : git('tag', name, ...at));
    },
    branch: async (name, at) => {
      await git('branch', name, ...(at ? [at] : []));
    },
    checkout: async (name) => {
      await git('checkout', '--quiet', name);
    },
    revParse: (rev) => git('rev-parse', rev),
    hashObject: (path) => git('hash-object', '--', path),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
  if (files) {
    await repo.write(files);
    await repo.commit('initial commit');
  }
  return repo;
}

/** A bare clone of `repo` in a new temp dir (what a server exports); returns its path and cleanup. */
export async function createBareClone(repo: GitRepo, name = 'repo.git'): Promise<{ root: string; path: string; cleanup(): Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'boreas-bare-'));
  const path = join(root, name);
  await runGit(root, ['clone', '--quiet', '--bare', repo.dir, path]);
  return { root, path, cleanup: () => rm(root, { recursive: true, force: true }) };
}
