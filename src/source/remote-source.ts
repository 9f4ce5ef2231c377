// A Source over an http(s) repository: a bare clone cached under `<cacheDir>/repos/<hash(url)>`,
// created on the first run and updated with a fetch (never a fresh clone) on later ones.
//
// Full history, not shallow, measured with scripts/bench/source.ts (5,000 YAML files, local HTTP):
// a shallow clone with isomorphic-git is no faster than a full one (1.5-1.7 s vs 1.6-2.3 s), and
// every later shallow fetch of a single new commit re-sends the whole tree (1.3-1.7 s vs 0.12 s
// for a full fetch), which is the daemon's steady state. Shallow history would also make
// `--ref <older sha>` fail. A full clone downloads each commit once.
import fs from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { mkdirPrivateAsync } from '../util/private-files.js';
import { join } from 'node:path';
import git from 'isomorphic-git';
import { ensureCheckout } from './checkout-dir.js';
import { withDirLock } from './dir-lock.js';
import { resolveCommit, type GitCache } from './git-revision.js';
import { openGitTreeSource } from './git-tree-source.js';
import { redactUrl, remoteCacheKey } from './remote-url.js';
import type { Source, SourceOptions } from './source.js';
import { normalizeSourcePath } from './source-path.js';
import { chooseTransport, hasGitCli, type FetchFn, type TransportName } from './transport.js';
import { compactCacheRepo, fetchWithGitCli } from './transport-git-cli.js';
import { fetchWithIsomorphicGit } from './transport-isomorphic-git.js';

export interface RemoteSourceOptions extends SourceOptions {
  url: string;
  /** Shallow depth (benchmarks only; see the comment at the top). */
  depth?: number;
}

const transports: Record<TransportName, FetchFn> = {
  'isomorphic-git': fetchWithIsomorphicGit,
  'git-cli': fetchWithGitCli,
};

/** The cache clone of `url` (a bare repository); exported for tests and benchmarks. */
export function remoteClonePath(cacheDir: string, url: string): string {
  return join(cacheDir, 'repos', remoteCacheKey(url));
}

/**
 * Clones or fetches `opts.url`, resolves `opts.ref` (default: the remote's HEAD) and returns a Source
 * whose rootDir is `<cacheDir>/checkouts/<hash(url)>/<commit>`, holding the commit's files.
 */
export async function openRemoteSource(opts: RemoteSourceOptions): Promise<Source> {
  const displayUrl = redactUrl(opts.url);
  const transport = chooseTransport(opts.transport);
  const { gitdir } = await fetchRemote({ ...opts, transport });

  const cache: GitCache = {};
  const commit = await resolveCommit({ gitdir, cache, remote: 'origin', description: displayUrl }, opts.ref);
  const checkouts = join(opts.cacheDir, 'checkouts', remoteCacheKey(opts.url));
  const source = await openGitTreeSource({
    description: displayUrl,
    rootDir: join(checkouts, commit.oid),
    gitdir,
    cache,
    commit,
    ref: opts.ref,
    treePath: normalizeSourcePath(opts.path),
  });
  await ensureCheckout(checkouts, gitdir, cache, commit.oid, { useGitCli: transport === 'git-cli' });
  return source;
}

/** Clones (first run) or fetches (later runs) `opts.url` into its cache clone; `existed` tells which. */
export async function fetchRemote(opts: RemoteSourceOptions): Promise<{ gitdir: string; existed: boolean }> {
  const displayUrl = redactUrl(opts.url);
  const gitdir = remoteClonePath(opts.cacheDir, opts.url);
  const fetch = transports[chooseTransport(opts.transport)];
  return withDirLock(gitdir, async () => {
    const existed = await isCacheRepo(gitdir);
    if (!existed) await initCacheRepo(gitdir);
    try {
      await fetch({ gitdir, url: opts.url, displayUrl, depth: opts.depth });
      if (hasGitCli()) await compactCacheRepo(gitdir);
    } catch (err) {
      // A failed first clone leaves nothing behind, so the next run starts clean.
      if (!existed) await rm(gitdir, { recursive: true, force: true });
      throw err;
    }
    return { gitdir, existed };
  });
}

async function isCacheRepo(gitdir: string): Promise<boolean> {
  return !!(await stat(join(gitdir, 'config')).catch(() => undefined));
}

async function initCacheRepo(gitdir: string): Promise<void> {
  await rm(gitdir, { recursive: true, force: true });
  // The clone holds the repository's content (and maybe private history): 0700 down from the cache dir.
  await mkdirPrivateAsync(gitdir);
  await git.init({ fs, gitdir, bare: true });
  // isomorphic-git maps fetched branches through this refspec; the URL is deliberately not stored.
  await git.setConfig({ fs, gitdir, path: 'remote.origin.fetch', value: '+refs/heads/*:refs/remotes/origin/*' });
}
