// Resolves what a user typed for --ref (branch, tag, full or abbreviated SHA) to a commit in a
// repository read through isomorphic-git, and reads what reports need about that commit.
import fs from 'node:fs';
import git from 'isomorphic-git';
import { UserError } from '../model/errors.js';

/** isomorphic-git's object cache: parsed pack indexes are kept here, so pass one per repository. */
export type GitCache = Record<string, unknown>;

export interface CommitInfo {
  oid: string;
  subject: string;
}

/** Where refs live: a local repository's own refs, or a cache clone's `refs/remotes/origin/*`. */
export interface RefScope {
  gitdir: string;
  cache: GitCache;
  /** Set for cache clones of a URL: branch names resolve against refs/remotes/<remote>/. */
  remote?: string;
  /** For messages: the directory or URL the user gave. */
  description: string;
}

const HEX = /^[0-9a-f]{4,40}$/i;

/** The commit `ref` names (default: HEAD), peeling annotated tags; UserError listing refs if none. */
export async function resolveCommit(scope: RefScope, ref: string | undefined): Promise<CommitInfo> {
  const { gitdir } = scope;
  const candidates = refCandidates(scope, ref);
  for (const candidate of candidates) {
    const oid = await git.resolveRef({ fs, gitdir, ref: candidate }).catch(() => undefined);
    if (oid) return peelToCommit(scope, oid, ref ?? 'HEAD');
  }
  if (ref && HEX.test(ref)) {
    const oid = await expand(scope, ref);
    if (oid) return peelToCommit(scope, oid, ref);
  }
  if (!ref) throw new UserError(`repository ${scope.description} has no commits (HEAD does not resolve)`);
  throw new UserError(`ref not found: "${ref}" in ${scope.description}; ${await availableRefs(scope)}`);
}

function refCandidates(scope: RefScope, ref: string | undefined): string[] {
  const remote = scope.remote;
  if (!ref) return remote ? [`refs/remotes/${remote}/HEAD`] : ['HEAD'];
  if (ref.startsWith('refs/')) return [ref];
  // Tags before branches, like git's rev-parse rules; a full name is honoured as given.
  return remote
    ? [`refs/tags/${ref}`, `refs/remotes/${remote}/${ref}`]
    : [`refs/tags/${ref}`, `refs/heads/${ref}`, `refs/remotes/${ref}`, ...(ref === 'HEAD' ? ['HEAD'] : [])];
}

async function expand(scope: RefScope, short: string): Promise<string | undefined> {
  try {
    return await git.expandOid({ fs, gitdir: scope.gitdir, oid: short.toLowerCase(), cache: scope.cache });
  } catch (err) {
    if ((err as { code?: string }).code === 'AmbiguousError') {
      throw new UserError(`ref "${short}" is ambiguous in ${scope.description}: give more characters of the SHA`);
    }
    return undefined;
  }
}

async function peelToCommit(scope: RefScope, oid: string, asked: string): Promise<CommitInfo> {
  for (let depth = 0; depth < 10; depth++) {
    const obj = await git.readObject({ fs, gitdir: scope.gitdir, oid, cache: scope.cache, format: 'parsed' }).catch(() => undefined);
    if (!obj) break;
    if (obj.type === 'commit') {
      const message = (obj.object as { message: string }).message;
      return { oid, subject: message.split('\n', 1)[0] };
    }
    if (obj.type !== 'tag') throw new UserError(`ref "${asked}" in ${scope.description} names a ${obj.type}, not a commit`);
    oid = (obj.object as { object: string }).object;
  }
  throw new UserError(`ref not found: "${asked}" in ${scope.description} (object ${oid.slice(0, 12)} is missing)`);
}

/** A hint naming a few branches and tags, so a typo is easy to fix. */
export async function availableRefs(scope: RefScope, max = 8): Promise<string> {
  const branches = await git.listBranches({ fs, gitdir: scope.gitdir, remote: scope.remote }).catch(() => [] as string[]);
  const tags = await git.listTags({ fs, gitdir: scope.gitdir }).catch(() => [] as string[]);
  const list = (names: string[]) => {
    const shown = names.filter((n) => n !== 'HEAD').sort();
    return shown.length === 0 ? '(none)' : shown.slice(0, max).join(', ') + (shown.length > max ? `, … (${shown.length} in all)` : '');
  };
  return `available branches: ${list(branches)}; tags: ${list(tags)}`;
}
