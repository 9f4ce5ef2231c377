// Fetch with isomorphic-git's node HTTP client: the embedded transport, no system git needed.
import fs from 'node:fs';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { UserError } from '../model/errors.js';
import type { FetchRequest } from './transport.js';

/** Fetches every branch and tag of `req.url` into `req.gitdir` (refs/remotes/origin/*, refs/tags/*). */
export async function fetchWithIsomorphicGit(req: FetchRequest): Promise<void> {
  try {
    await fetchOnce(req, true).catch((err: { code?: string; message?: string }) => {
      // pruneTags fails on the peeled `^{}` lines of a packed-refs file (someone ran `git gc` in
      // the cache): fetch without pruning tags rather than not at all.
      if (err.code === 'InvalidRefNameError' && err.message?.includes('^{}')) return fetchOnce(req, false);
      throw err;
    });
  } catch (err) {
    throw toUserError(err, req.displayUrl);
  }
}

async function fetchOnce(req: FetchRequest, pruneTags: boolean): Promise<void> {
  await git.fetch({
    fs,
    http,
    gitdir: req.gitdir,
    url: req.url,
    remote: 'origin',
    tags: true,
    prune: true,
    pruneTags,
    singleBranch: false,
    depth: req.depth,
  });
}

function toUserError(err: unknown, url: string): unknown {
  const e = err as { code?: string; message?: string; data?: { statusCode?: number; statusMessage?: string } };
  if (e.code === 'HttpError') {
    const status = e.data?.statusCode;
    if (status === 404) return new UserError(`repository not found: ${url} (HTTP 404)`);
    if (status === 401 || status === 403) return new UserError(`access denied to ${url} (HTTP ${status}): check the credentials in the URL`);
    return new UserError(`cannot fetch ${url}: HTTP ${status} ${e.data?.statusMessage ?? ''}`.trim());
  }
  if (e.code === 'SmartHttpError') return new UserError(`not a git repository: ${url} (the server does not speak the git smart-HTTP protocol)`);
  if (e.code && /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|ENETUNREACH)$/.test(e.code)) {
    return new UserError(`cannot reach repository ${url}: ${e.code}`);
  }
  // simple-get (isomorphic-git's node client) reports timeouts as a plain Error without a code.
  if (e.message === 'Request timed out') return new UserError(`cannot reach repository ${url}: request timed out`);
  return err;
}
