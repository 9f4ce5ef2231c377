// Fetch with the system `git` executable: its transport and pack indexing are native, about 10x
// faster than isomorphic-git on large repositories (scripts/bench/source.ts).
import { spawn } from 'node:child_process';
import { UserError } from '../model/errors.js';
import type { FetchRequest } from './transport.js';

/** Fetches every branch and tag of `req.url` into `req.gitdir`, same layout as isomorphic-git's fetch. */
export async function fetchWithGitCli(req: FetchRequest): Promise<void> {
  const args = [
    '--git-dir',
    req.gitdir,
    // No background gc/maintenance: it would race with the isomorphic-git reads that follow.
    '-c',
    'gc.auto=0',
    '-c',
    'maintenance.auto=false',
    '-c',
    'fetch.writeCommitGraph=false',
    'fetch',
    '--quiet',
    '--prune',
    '--prune-tags',
    '--no-write-fetch-head',
    ...(req.depth ? [`--depth=${req.depth}`] : []),
    // The URL is passed here, not stored in the clone's config, so credentials never touch disk.
    '--',
    req.url,
    '+refs/heads/*:refs/remotes/origin/*',
    '+refs/tags/*:refs/tags/*',
    '+HEAD:refs/remotes/origin/HEAD',
  ];
  const { code, stderr } = await run(args);
  if (code !== 0) throw toUserError(redact(stderr, req.url, req.displayUrl), req.displayUrl);
}

function run(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    // GIT_TERMINAL_PROMPT=0: a missing credential is an error, never a prompt that hangs a daemon.
    const child = spawn('git', args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stderr }));
  });
}

function redact(text: string, url: string, displayUrl: string): string {
  return url === displayUrl
    ? text
    : text
        .split(url)
        .join(displayUrl)
        .replace(/\/\/[^/@\s]*@/g, '//');
}

function toUserError(stderr: string, url: string): UserError {
  const line =
    stderr
      .split('\n')
      .map((l) => l.replace(/^fatal:\s*/, '').trim())
      .filter(Boolean)[0] ?? 'git fetch failed';
  if (/repository '.*' not found|HTTP 404|returned error: 404/.test(stderr)) return new UserError(`repository not found: ${url} (HTTP 404)`);
  if (/Authentication failed|could not read Username|HTTP 40[13]|returned error: 40[13]/.test(stderr)) {
    return new UserError(`access denied to ${url}: check the credentials in the URL`);
  }
  if (/Failed to connect|Could not resolve host|Connection refused|Couldn't connect|timed out/i.test(stderr)) {
    return new UserError(`cannot reach repository ${url}: ${line}`);
  }
  return new UserError(`cannot fetch ${url}: ${line}`);
}

/**
 * Every fetch adds a pack (isomorphic-git) or loose objects (git CLI), and reads slow down as they
 * pile up, so after a fetch the cache clone is compacted with `git gc --auto` when git is installed
 * (a no-op costing one process spawn until `packLimit` packs exist). Runs in the foreground, under
 * the fetch lock, so no reader sees a half-repacked store.
 */
export async function compactCacheRepo(gitdir: string, opts: { packLimit?: number } = {}): Promise<void> {
  // gc.packRefs=false: isomorphic-git's fetch (pruneTags) chokes on the peeled `^{}` lines of a
  // packed-refs file, so refs stay loose and either transport can keep fetching into this clone.
  const args = [
    '--git-dir',
    gitdir,
    '-c',
    'gc.autoDetach=false',
    '-c',
    'gc.packRefs=false',
    '-c',
    `gc.autoPackLimit=${opts.packLimit ?? 20}`,
    '-c',
    'gc.pruneExpire=now',
    'gc',
    '--auto',
    '--quiet',
  ];
  const { code, stderr } = await run(args);
  if (code !== 0) throw new Error(`git gc --auto failed in ${gitdir}: ${stderr.trim()}`);
}
