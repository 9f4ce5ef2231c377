// A Source over one committed tree, read from a git object store through isomorphic-git: nothing is
// checked out and the working tree is never touched. Blob SHAs come straight from the tree objects.
import fs from 'node:fs';
import git from 'isomorphic-git';
import { UserError } from '../model/errors.js';
import type { ResolvedRevision, Source, SourceFile } from './source.js';
import type { CommitInfo, GitCache } from './git-revision.js';
import { normalizeSourcePath } from './source-path.js';
import { SKIPPED_DIRS } from './worktree-scan.js';

/** Everything needed to read one revision's manifests dir out of a git dir. */
export interface GitTreeSourceInit {
  description: string;
  rootDir: string;
  gitdir: string;
  cache: GitCache;
  commit: CommitInfo;
  ref?: string;
  /** Manifests dir inside the commit's tree ('' for the root), forward slashes. */
  treePath: string;
}

/** Opens the tree at `treePath` in the commit; UserError if that path is not a directory there. */
export async function openGitTreeSource(init: GitTreeSourceInit): Promise<Source> {
  const treeOid = await treeAt(init);
  let listing: Promise<Map<string, TreeFile>> | undefined;
  // Same directories skipped as in a working tree, so --ref and the working tree list alike.
  const list = () => (listing ??= listTreeFiles(init.gitdir, init.cache, treeOid, SKIPPED_DIRS));
  const { oid, subject, author, committedAt } = init.commit;
  const revision: ResolvedRevision = { sha: oid, treeHash: treeOid, ref: init.ref, subject, author, committedAt };
  return {
    description: init.description,
    rootDir: init.rootDir,
    resolve: async () => revision,
    listFiles: async () => [...(await list())].map(([path, f]): SourceFile => ({ path, blobSha: f.oid })),
    readFile: async (path) => {
      const oid = (await list()).get(normalizeSourcePath(path))?.oid;
      if (!oid) throw new UserError(`file not found: "${path}" in ${init.description} at ${init.commit.oid.slice(0, 12)}`);
      const { blob } = await git.readBlob({ fs, gitdir: init.gitdir, oid, cache: init.cache });
      return Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
    },
  };
}

async function treeAt(init: GitTreeSourceInit): Promise<string> {
  const { gitdir, cache, commit, treePath } = init;
  try {
    const { oid } = await git.readTree({ fs, gitdir, oid: commit.oid, filepath: treePath || undefined, cache });
    return oid;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'UnsafeFilepathError') throw unsafeTree(err, commit.oid);
    if (code === 'NotFoundError' || code === 'ObjectTypeError') {
      throw new UserError(`path not found: "${treePath}" is not a directory in ${init.description} at ${commit.oid.slice(0, 12)}`);
    }
    throw err;
  }
}

/** A file in a git tree: blob SHA and mode (100644, 100755). */
export interface TreeFile {
  oid: string;
  mode: string;
}

/**
 * path → blob for every regular file below `treeOid` (minus directories named in `skipDirs`),
 * sorted by path. Submodules and symlinks are skipped: a symlink's blob is its target path, not a
 * manifest, and following it could escape the repository.
 */
export async function listTreeFiles(gitdir: string, cache: GitCache, treeOid: string, skipDirs?: ReadonlySet<string>): Promise<Map<string, TreeFile>> {
  const files = new Map<string, TreeFile>();
  async function visit(oid: string, prefix: string): Promise<void> {
    const { tree } = await git.readTree({ fs, gitdir, oid, cache }).catch((err: unknown) => {
      throw (err as { code?: string }).code === 'UnsafeFilepathError' ? unsafeTree(err, oid) : err;
    });
    const subtrees: Promise<void>[] = [];
    for (const e of tree) {
      // git's fsck rejects these; a hostile server could still send them, and `..` would let a
      // checkout write outside its directory.
      if (e.path === '' || e.path === '.' || e.path === '..' || e.path.toLowerCase() === '.git' || /[/\0]/.test(e.path)) {
        throw unsafeTree(new Error(`entry ${JSON.stringify(e.path)}`), oid);
      }
      const path = prefix ? `${prefix}/${e.path}` : e.path;
      if (e.type === 'tree') {
        if (!skipDirs?.has(e.path)) subtrees.push(visit(e.oid, path));
      } else if (e.type === 'blob' && e.mode !== '120000') files.set(path, { oid: e.oid, mode: e.mode });
    }
    await Promise.all(subtrees);
  }
  await visit(treeOid, '');
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** isomorphic-git refuses `..`/`.git` entries too (UnsafeFilepathError); either way the user sees one line. */
function unsafeTree(err: unknown, oid: string): UserError {
  return new UserError(`unsafe path in git object ${oid.slice(0, 12)} (${(err as Error).message}): refusing to read this revision`);
}
