// Git object ids computed without git: a blob id for a working-tree file, and a tree id for a whole
// directory listing. Hashing a working tree the way `git write-tree` would lets a clean checkout get
// exactly the same treeHash as the committed tree, so caches keyed by treeHash hit across both.
import { createHash } from 'node:crypto';

/** Git blob SHA-1: sha1("blob <len>\0" + content), what `git hash-object` prints. */
export function gitBlobSha(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/** One file of a listing, with the mode git would record (100644 or 100755). */
export interface TreeInputFile {
  path: string;
  blobSha: string;
  executable?: boolean;
}

interface DirNode {
  files: Map<string, { sha: string; mode: string }>;
  dirs: Map<string, DirNode>;
}

/**
 * The git tree SHA-1 of a set of files (paths relative to the tree root, forward slashes), equal to
 * what git computes for the same files committed. Empty directories do not exist in git, so none
 * can appear here either.
 */
export function gitTreeSha(files: readonly TreeInputFile[]): string {
  const root: DirNode = { files: new Map(), dirs: new Map() };
  for (const f of files) {
    const parts = f.path.split('/');
    let node = root;
    for (const dir of parts.slice(0, -1)) {
      let next = node.dirs.get(dir);
      if (!next) node.dirs.set(dir, (next = { files: new Map(), dirs: new Map() }));
      node = next;
    }
    node.files.set(parts[parts.length - 1], { sha: f.blobSha, mode: f.executable ? '100755' : '100644' });
  }
  return hashDir(root);
}

function hashDir(node: DirNode): string {
  // Git sorts tree entries by name bytes, comparing a directory as if its name ended in '/'.
  const entries: { key: string; mode: string; name: string; sha: string }[] = [];
  for (const [name, f] of node.files) entries.push({ key: name, mode: f.mode, name, sha: f.sha });
  for (const [name, d] of node.dirs) entries.push({ key: name + '/', mode: '40000', name, sha: hashDir(d) });
  entries.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
  const body = Buffer.concat(entries.map((e) => Buffer.concat([Buffer.from(`${e.mode} ${e.name}\0`), Buffer.from(e.sha, 'hex')])));
  return createHash('sha1').update(`tree ${body.length}\0`).update(body).digest('hex');
}
