// Where manifests come from. A Source resolves one revision and lists the manifest files in it with
// their git blob SHAs, so unchanged files can be served from the parse cache without reading them.

export interface SourceFile {
  /** Path relative to the manifests root (--path), forward slashes. */
  path: string;
  /** Git blob SHA-1 of the content (computed for working-tree files, cached by stat). */
  blobSha: string;
  /**
   * Set when the file must not be read (a working-tree symlink leaving the repository): the
   * loader reports it as an error diagnostic on the file, and readFile refuses it.
   */
  problem?: string;
}

export interface ResolvedRevision {
  /** Commit SHA, or `worktree:<treeHash>` for an uncommitted local working tree. */
  sha: string;
  /** Hash identifying the manifests tree: the git tree SHA of --path or a hash of all blob SHAs. */
  treeHash: string;
  /** The ref asked for, if any. */
  ref?: string;
  /** Commit message subject, author name and author time (ISO) when known (for reports). */
  subject?: string;
  author?: string;
  committedAt?: string;
}

export interface Source {
  /** Human description: the directory or URL. */
  readonly description: string;
  /** Directory on disk that holds a checkout of the revision's files (for relative paths, raw k8s dirs). */
  readonly rootDir: string;
  resolve(): Promise<ResolvedRevision>;
  /** Every file under the manifests path at the revision (all files; callers filter by extension). */
  listFiles(): Promise<SourceFile[]>;
  /** Content of one file at the revision. */
  readFile(path: string): Promise<Buffer>;
}

export interface SourceOptions {
  /** Local directory or http(s) URL; default `.`. */
  repo: string;
  ref?: string;
  /** Subdirectory holding the manifests. */
  path?: string;
  /** Where remote clones and caches live (default `<stateDir>/cache`). */
  cacheDir: string;
  /**
   * How remotes are fetched: the system `git` (faster) or embedded isomorphic-git. Default:
   * $BOREAS_GIT_TRANSPORT, else `git-cli` when git is installed, else `isomorphic-git`.
   */
  transport?: 'isomorphic-git' | 'git-cli';
  /**
   * The working tree's regular files with their stat, taken by the caller's own walk moments ago
   * (validate's fingerprint), so a working-tree source need not walk and stat them again. Only for
   * a tree without symlinks; ignored with a ref or a remote.
   */
  listing?: ListedFile[];
}

/** A working-tree file as a directory walk saw it. */
export interface ListedFile {
  path: string;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  mode: number;
}
