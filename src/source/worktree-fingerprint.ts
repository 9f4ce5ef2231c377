// A cheap proof that a working tree has not changed since an earlier run, like git's index: one
// directory walk and one stat per file, hashed together with the git HEAD the tree sits on, and no
// file read. `boreas validate` keys its stored outcome with it, so an unchanged repository is
// answered without reading, parsing or checking any file; any edit, touch, chmod, rename, added or
// removed file, or a new commit gives another fingerprint.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, realpathSync, type Stats, statSync } from 'node:fs';
import { join } from 'node:path';
import { findGitRepo } from './find-git-repo.js';
import { RACY_WINDOW_MS } from './stat-cache.js';
import { normalizeSourcePath } from './source-path.js';
import type { ListedFile } from './source.js';
import { SKIPPED_DIRS } from './worktree-scan.js';

const FORMAT = 'boreas-worktree-fingerprint/1';

export interface WorktreeFingerprint {
  /** sha256 over the directory, every file's (path, size, mtime, ctime, inode, mode) and HEAD. */
  hash: string;
  /** The files below the manifests dir (forward slashes, sorted) with the stat taken: the working
   *  tree source can list them without walking and stating again (SourceOptions.listing). */
  files: ListedFile[];
  /**
   * A file was modified within RACY_WINDOW_MS before the walk: it could change again within the
   * filesystem's timestamp granularity without its stat changing ("racy git"), so nothing may be
   * stored under this fingerprint.
   */
  racy: boolean;
}

/**
 * The fingerprint of the working tree at `dir` (`--repo`) and `path` (`--path`); undefined when
 * there is none to trust: the directory is missing, or holds a symlink (what a link resolves to is
 * not proven unchanged by its own stat) or anything unreadable. Undefined only ever means "do the
 * full work".
 */
export function worktreeFingerprint(dir: string, path?: string): WorktreeFingerprint | undefined {
  const startedMs = Date.now();
  try {
    const rel = normalizeSourcePath(path);
    const root = realpathSync(rel ? join(dir, rel) : dir);
    const files: ListedFile[] = [];
    // Stat figures in one typed array, hashed as bytes: no number-to-text per file.
    let figures = new Float64Array(5 * 1024);
    let n = 0;
    let newestMs = 0;
    // Names and one lstat per entry: the lstat says file, directory or symlink, so no Dirent is made.
    const visit = (abs: string, prefix: string): boolean => {
      for (const name of readdirSync(abs).sort()) {
        const st = lstatSync(`${abs}/${name}`);
        if (st.isSymbolicLink()) return false;
        const relPath = prefix + name;
        if (st.isDirectory()) {
          if (!SKIPPED_DIRS.has(name) && !visit(`${abs}/${name}`, `${relPath}/`)) return false;
        } else if (st.isFile()) {
          if (n + 5 > figures.length) {
            const grown = new Float64Array(figures.length * 2);
            grown.set(figures);
            figures = grown;
          }
          figures[n++] = st.size;
          figures[n++] = st.mtimeMs;
          figures[n++] = st.ctimeMs;
          figures[n++] = st.ino;
          figures[n++] = st.mode;
          files.push({ path: relPath, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, mode: st.mode });
          if (st.mtimeMs > newestMs) newestMs = st.mtimeMs;
        }
      }
      return true;
    };
    if (!visit(root, '')) return undefined;
    const hash = createHash('sha256')
      .update(`${FORMAT}\0${dir}\0${rel}\0${root}\0${headState(dir)}\0${files.map((f) => f.path).join('\0')}\0`)
      .update(new Uint8Array(figures.buffer, 0, n * 8))
      .digest('hex');
    return { hash, files, racy: newestMs >= startedMs - RACY_WINDOW_MS };
  } catch {
    return undefined;
  }
}

/** A stat as text. Times are fractional milliseconds: at today's epoch a double still resolves a
 *  quarter of a microsecond, finer than filesystems update timestamps, and unlike `bigint: true`
 *  stats nothing is allocated per field (10,000 stats: measurably less garbage collection). */
function signature(st: Stats): string {
  return `${st.size} ${st.mtimeMs} ${st.ctimeMs} ${st.ino} ${st.mode}`;
}

/**
 * What HEAD points at, read from the files that decide it (HEAD, the loose ref, the packed refs'
 * stat), without resolving anything: the revision validate reports is HEAD's commit when the files
 * are exactly HEAD's tree, so a commit or checkout must change the fingerprint. 'none' outside git.
 */
function headState(dir: string): string {
  const repo = findGitRepo(dir);
  if (!repo) return 'none';
  const read = (p: string) => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return '-';
    }
  };
  const head = read(join(repo.headGitdir, 'HEAD'));
  // A ref may itself be symbolic (ref: refs/heads/x -> ref: refs/heads/y): each link is read, as
  // git follows them (at most 5 deep), so a commit on the final ref changes the fingerprint too.
  const chain: string[] = [];
  let ref = /^ref:\s*(\S+)/.exec(head)?.[1];
  for (let depth = 0; ref && depth < 5 && !ref.split('/').includes('..'); depth++) {
    const loose = read(join(repo.gitdir, ref));
    chain.push(loose);
    ref = /^ref:\s*(\S+)/.exec(loose)?.[1];
  }
  const loose = chain.join('\0') || '-';
  let packed = '-';
  try {
    packed = signature(statSync(join(repo.gitdir, 'packed-refs')));
  } catch {
    // No packed refs.
  }
  return [repo.gitdir, repo.headGitdir, repo.workTree ?? '', repo.prefix, head, loose, packed].join('\0');
}
