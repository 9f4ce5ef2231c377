// A Source over one committed tree, read from a git object store through isomorphic-git: nothing is
// checked out and the working tree is never touched. Blob SHAs come straight from the tree objects.
import fs from 'node:fs';
import git from 'isomorphic-git';
import { UserError } from '../model/errors.js';
import type { ResolvedRevision, Source, SourceFile } from './source.js';
import type { CommitInfo, GitCache } from './git-revision.js';
import { normalizeSourcePath } from './source-path.js';

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
  let listing: Promise<Map<string, string>> | undefined;
  const list = () => (listing ??= listTree(init, treeOid));
  const revision: ResolvedRevision = { sha: init.commit.oid, treeHash: treeOid, ref: init.ref, subject: init.commit.subject };
  return {
    description: init.description,
    rootDir: init.rootDir,
    resolve: async () => revision,
    listFiles: async () => [...(await list())].map(([path, blobSha]): SourceFile => ({ path, blobSha })),
    readFile: async (path) => {
      const oid = (await list()).get(normalizeSourcePath(path));
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
    if (code === 'NotFoundError' || code === 'ObjectTypeError') {
      throw new UserError(`path not found: "${treePath}" is not a directory in ${init.description} at ${commit.oid.slice(0, 12)}`);
    }
    throw err;
  }
}

/** path → blob SHA for every regular file below the tree (submodules and symlinks are skipped). */
async function listTree(init: GitTreeSourceInit, rootTree: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  async function visit(oid: string, prefix: string): Promise<void> {
    const { tree } = await git.readTree({ fs, gitdir: init.gitdir, oid, cache: init.cache });
    const subtrees: Promise<void>[] = [];
    for (const e of tree) {
      const path = prefix ? `${prefix}/${e.path}` : e.path;
      if (e.type === 'tree') subtrees.push(visit(e.oid, path));
      else if (e.type === 'blob' && e.mode !== '120000') files.set(path, e.oid);
    }
    await Promise.all(subtrees);
  }
  await visit(rootTree, '');
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
