// Writes a commit's files to a directory so commands that need real paths (raw Kubernetes dirs,
// relative files) can use them. One directory per commit, written once and never modified, so
// two revisions (plan --base) can be on disk at the same time.
//
// Creating thousands of small files is the slow part (about 0.6 ms per file on this machine's disk,
// scripts/bench/source.ts), so a new commit's checkout hard-links every unchanged file from the
// most recent checkout and writes only the changed ones; a first checkout uses the native `git
// checkout` when the git CLI is the transport.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { link, mkdir, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import git from 'isomorphic-git';
import type { GitCache } from './git-revision.js';
import { mkdirPrivateAsync } from '../util/private-files.js';
import { listTreeFiles, type TreeFile } from './git-tree-source.js';

/** Checkouts kept per remote; older ones are removed (the object store still has them). */
const KEEP = 3;
/** Parallel file operations: enough to keep libuv's thread pool busy. */
const CONCURRENCY = 16;

export interface CheckoutOptions {
  /** Let the git CLI write a first checkout (faster); false keeps everything inside isomorphic-git. */
  useGitCli: boolean;
}

/** Ensures `<parent>/<commit>` holds the commit's files (symlinks and submodules excluded) and returns it. */
export async function ensureCheckout(parent: string, gitdir: string, cache: GitCache, commit: string, opts: CheckoutOptions): Promise<string> {
  const dir = join(parent, commit);
  if (await stat(dir).catch(() => undefined)) {
    await utimes(dir, new Date(), new Date()); // mark as recently used, for pruning
    return dir;
  }
  await mkdirPrivateAsync(parent);
  // Written beside the final name and renamed: a crash never leaves a half-written checkout.
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(tmp, { mode: 0o700 });
  try {
    const files = await commitFiles(gitdir, cache, commit);
    const prev = await latestCheckout(parent);
    const prevFiles = prev ? await commitFiles(gitdir, cache, prev).catch(() => undefined) : undefined;
    if (prev && prevFiles) await writeIncremental(join(parent, prev), tmp, files, prevFiles, gitdir, cache);
    else if (!(opts.useGitCli && (await gitCheckout(gitdir, commit, tmp)))) await writeFiles(tmp, [...files], gitdir, cache);
    await rename(tmp, dir).catch(async (err) => {
      // Another process wrote the same commit first: theirs is identical.
      if (!(await stat(dir).catch(() => undefined))) throw err;
      await rm(tmp, { recursive: true, force: true });
    });
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  await pruneCheckouts(parent, commit);
  return dir;
}

async function commitFiles(gitdir: string, cache: GitCache, commit: string): Promise<Map<string, TreeFile>> {
  const { commit: c } = await git.readCommit({ fs, gitdir, oid: commit, cache });
  return listTreeFiles(gitdir, cache, c.tree);
}

async function checkoutNames(parent: string): Promise<string[]> {
  return (await readdir(parent).catch(() => [] as string[])).filter((n) => /^[0-9a-f]{40}$/.test(n));
}

async function latestCheckout(parent: string): Promise<string | undefined> {
  const dated = await Promise.all((await checkoutNames(parent)).map(async (n) => ({ n, t: (await stat(join(parent, n))).mtimeMs })));
  return dated.sort((a, b) => b.t - a.t)[0]?.n;
}

/** Unchanged files become hard links to the previous checkout (never modified, so sharing is safe). */
async function writeIncremental(
  prevDir: string,
  tmp: string,
  files: Map<string, TreeFile>,
  prevFiles: Map<string, TreeFile>,
  gitdir: string,
  cache: GitCache,
): Promise<void> {
  const entries = [...files];
  await makeParents(
    tmp,
    entries.map(([p]) => p),
  );
  await pool(entries, async ([path, f]) => {
    const before = prevFiles.get(path);
    if (before && before.oid === f.oid && before.mode === f.mode) {
      const linked = await link(join(prevDir, path), join(tmp, path)).then(
        () => true,
        () => false,
      );
      if (linked) return;
    }
    await writeBlob(tmp, path, f, gitdir, cache);
  });
}

async function writeFiles(tmp: string, entries: [string, TreeFile][], gitdir: string, cache: GitCache): Promise<void> {
  await makeParents(
    tmp,
    entries.map(([p]) => p),
  );
  await pool(entries, ([path, f]) => writeBlob(tmp, path, f, gitdir, cache));
}

async function writeBlob(root: string, path: string, f: TreeFile, gitdir: string, cache: GitCache): Promise<void> {
  const { blob } = await git.readBlob({ fs, gitdir, oid: f.oid, cache });
  await writeFile(join(root, path), blob, { mode: f.mode === '100755' ? 0o755 : 0o644 });
}

async function makeParents(root: string, paths: string[]): Promise<void> {
  const dirs = new Set(paths.map((p) => dirname(join(root, p))));
  for (const d of [...dirs].sort()) await mkdir(d, { recursive: true });
}

/**
 * Native checkout into `tmp` through a throwaway index, with user and system config ignored so no
 * smudge filter (LFS) or eol conversion changes the bytes. False if git could not do it.
 */
async function gitCheckout(gitdir: string, commit: string, tmp: string): Promise<boolean> {
  const env = { ...process.env, GIT_INDEX_FILE: `${tmp}.index`, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0' };
  const ok = await new Promise<boolean>((resolve) => {
    const child = spawn('git', ['--git-dir', gitdir, '--work-tree', tmp, '-c', 'core.symlinks=false', 'checkout', '--quiet', '-f', commit, '--', '.'], {
      env,
      stdio: 'ignore',
    });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
  await rm(`${tmp}.index`, { force: true });
  if (!ok) {
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp, { mode: 0o700 });
  }
  return ok;
}

async function pool<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
}

async function pruneCheckouts(parent: string, current: string): Promise<void> {
  const names = (await checkoutNames(parent)).filter((n) => n !== current);
  const dated = await Promise.all(names.map(async (n) => ({ n, t: (await stat(join(parent, n))).mtimeMs })));
  dated.sort((a, b) => b.t - a.t);
  for (const { n } of dated.slice(KEEP - 1)) await rm(join(parent, n), { recursive: true, force: true });
}
