// Writes a commit's files to a directory so commands that need real paths (raw Kubernetes dirs,
// relative files) can use them. One directory per commit, written once and never modified, so
// two revisions (plan --base) can be on disk at the same time.
import { chmod, mkdir, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import fs from 'node:fs';
import git from 'isomorphic-git';
import type { GitCache } from './git-revision.js';
import { listTreeFiles } from './git-tree-source.js';

/** Checkouts kept per remote; older ones are removed (the object store still has them). */
const KEEP = 3;

/** Ensures `<parent>/<commit>` holds the commit's files and returns it. */
export async function ensureCheckout(parent: string, gitdir: string, cache: GitCache, commit: string): Promise<string> {
  const dir = join(parent, commit);
  if (await stat(dir).catch(() => undefined)) {
    await utimes(dir, new Date(), new Date()); // mark as recently used, for pruning
    return dir;
  }
  // Written beside the final name and renamed: a crash never leaves a half-written checkout.
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(tmp, { recursive: true });
  try {
    const { commit: c } = await git.readCommit({ fs, gitdir, oid: commit, cache });
    const files = await listTreeFiles(gitdir, cache, c.tree);
    const made = new Set<string>();
    for (const [path, f] of files) {
      const abs = join(tmp, path);
      const parentDir = dirname(abs);
      if (!made.has(parentDir)) {
        await mkdir(parentDir, { recursive: true });
        made.add(parentDir);
      }
      const { blob } = await git.readBlob({ fs, gitdir, oid: f.oid, cache });
      await writeFile(abs, blob);
      if (f.mode === '100755') await chmod(abs, 0o755);
    }
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

async function pruneCheckouts(parent: string, current: string): Promise<void> {
  const names = (await readdir(parent)).filter((n) => /^[0-9a-f]{40}$/.test(n) && n !== current);
  const dated = await Promise.all(names.map(async (n) => ({ n, t: (await stat(join(parent, n))).mtimeMs })));
  dated.sort((a, b) => b.t - a.t);
  for (const { n } of dated.slice(KEEP - 1)) await rm(join(parent, n), { recursive: true, force: true });
}
