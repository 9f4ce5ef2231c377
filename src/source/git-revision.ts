// Resolves what a user typed for --ref or --base to a commit, the way `git rev-parse` does: ref
// names in git's lookup order, full and abbreviated SHAs, `~N`/`^N` navigation, `^{}` peeling and
// `@{upstream}`, read through isomorphic-git so no git installation is needed. Forms outside that
// grammar (reflog, `:/message`) go to the git CLI for local repositories when it is installed.
import fs from 'node:fs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import git from 'isomorphic-git';
import { UserError } from '../model/errors.js';
import { revParseWithGitCli } from './rev-parse-cli.js';
import { parseRevision, type RevisionStep } from './revision-syntax.js';
import { hasGitCli } from './transport.js';
import { type CommitInfo, commitFacts, type GitCache } from './commit-facts.js';

export { type CommitInfo, commitFacts, type GitCache } from './commit-facts.js';

/** Where refs live: a local repository's own refs, or a cache clone's `refs/remotes/origin/*`. */
export interface RefScope {
  gitdir: string;
  /** Where this work tree's HEAD lives (differs from gitdir in a linked worktree); default gitdir. */
  headGitdir?: string;
  /** Work tree root of a local repository (where the git CLI fallback runs). */
  workTree?: string;
  cache: GitCache;
  /** Set for cache clones of a URL: branch names resolve against refs/remotes/<remote>/. */
  remote?: string;
  /** For messages: the directory or URL the user gave. */
  description: string;
}

const FULL_SHA = /^[0-9a-f]{40}$/i;
const SHORT_SHA = /^[0-9a-f]{4,39}$/i;
const PSEUDO_REF = /^(HEAD|FETCH_HEAD|ORIG_HEAD|MERGE_HEAD|CHERRY_PICK_HEAD)$/;

/** The commit `ref` names (default: HEAD); UserError naming the revision and the repository if none. */
export async function resolveCommit(scope: RefScope, ref: string | undefined): Promise<CommitInfo> {
  if (!ref) {
    const head = await resolveName(scope, 'HEAD');
    if (!head) throw new UserError(`repository ${scope.description} has no commits (HEAD does not resolve)`);
    return peelToCommit(scope, head, 'HEAD');
  }
  const parsed = parseRevision(ref);
  if ('error' in parsed) {
    if (parsed.error === 'other' && !scope.remote && hasGitCli()) {
      const oid = await revParseWithGitCli(scope.workTree ?? scope.gitdir, ref);
      if (oid) return peelToCommit(scope, oid, ref);
      throw new UserError(`revision not found: "${ref}" in ${scope.description} (git rev-parse cannot resolve it)`);
    }
    throw new UserError(`not a revision: "${ref}": ${parsed.message}`);
  }
  let oid = parsed.upstream ? await resolveUpstream(scope, parsed.base, ref) : await resolveName(scope, parsed.base);
  if (!oid) {
    if (parsed.base === 'HEAD' && !scope.remote) throw new UserError(`repository ${scope.description} has no commits (HEAD does not resolve)`);
    const inRevision = parsed.base === ref ? '' : ` (in "${ref}")`;
    throw new UserError(`ref not found: "${parsed.base}"${inRevision} in ${scope.description}; ${await availableRefs(scope)}`);
  }
  for (const step of parsed.steps) oid = await applyStep(scope, oid, step, ref);
  return peelToCommit(scope, oid, ref);
}

/** A base name, looked up the way git does: SHA, pseudo-ref, refs/<name>, tags, heads, remotes. */
async function resolveName(scope: RefScope, name: string): Promise<string | undefined> {
  if (FULL_SHA.test(name) && (await objectExists(scope, name))) return name.toLowerCase();
  if (PSEUDO_REF.test(name) && !scope.remote) {
    const pseudo = await readPseudoRef(scope, name);
    if (pseudo) return pseudo;
  }
  for (const candidate of refCandidates(scope, name)) {
    const oid = await git.resolveRef({ fs, gitdir: scope.gitdir, ref: candidate }).catch(() => undefined);
    if (oid) return oid;
  }
  return SHORT_SHA.test(name) ? expand(scope, name) : undefined;
}

function refCandidates(scope: RefScope, name: string): string[] {
  const remote = scope.remote;
  if (remote) {
    // A cache clone keeps the remote's branches under refs/remotes/<remote>/ and its HEAD there too.
    if (name === 'HEAD') return [`refs/remotes/${remote}/HEAD`];
    if (name.startsWith('refs/heads/')) return [`refs/remotes/${remote}/${name.slice('refs/heads/'.length)}`];
    if (name.startsWith('refs/')) return [name];
    return [`refs/tags/${name}`, `refs/remotes/${remote}/${name}`, `refs/remotes/${name}`, `refs/remotes/${name}/HEAD`];
  }
  if (name.startsWith('refs/')) return [name];
  // git's rule order (gitrevisions(7)): refs/<name>, tags, heads, remotes, remotes/<name>/HEAD.
  return [`refs/${name}`, `refs/tags/${name}`, `refs/heads/${name}`, `refs/remotes/${name}`, `refs/remotes/${name}/HEAD`];
}

/** HEAD of this work tree (a linked worktree has its own), or FETCH_HEAD/ORIG_HEAD/... */
async function readPseudoRef(scope: RefScope, name: string): Promise<string | undefined> {
  for (const dir of new Set([scope.headGitdir ?? scope.gitdir, scope.gitdir])) {
    let text: string;
    try {
      text = readFileSync(join(dir, name), 'utf8');
    } catch {
      continue;
    }
    const symbolic = /^ref:\s*(\S+)/.exec(text);
    if (symbolic) return git.resolveRef({ fs, gitdir: scope.gitdir, ref: symbolic[1] }).catch(() => undefined);
    // FETCH_HEAD lists several lines; git takes the first.
    return /^[0-9a-f]{40}/i.exec(text)?.[0].toLowerCase();
  }
  return undefined;
}

/** `<branch>@{upstream}`: the branch it tracks, from branch.<name>.remote/merge in the config. */
async function resolveUpstream(scope: RefScope, base: string, asked: string): Promise<string> {
  if (scope.remote) throw new UserError(`"${asked}": branches of a remote repository have no upstream here; name the branch itself`);
  let branch = base.replace(/^refs\/heads\//, '');
  if (branch === '' || branch === 'HEAD') {
    const head = readFileSync(join(scope.headGitdir ?? scope.gitdir, 'HEAD'), 'utf8');
    const m = /^ref:\s*refs\/heads\/(\S+)/.exec(head);
    if (!m) throw new UserError(`"${asked}": HEAD is detached in ${scope.description}, so there is no branch whose upstream to take`);
    branch = m[1];
  }
  const config = (key: string) => git.getConfig({ fs, gitdir: scope.gitdir, path: `branch.${branch}.${key}` }).catch(() => undefined);
  const [remote, merge] = [await config('remote'), await config('merge')];
  if (typeof remote !== 'string' || typeof merge !== 'string')
    throw new UserError(`"${asked}": no upstream configured for branch "${branch}" in ${scope.description}`);
  const target = remote === '.' ? merge : merge.replace(/^refs\/heads\//, `refs/remotes/${remote}/`);
  const oid = await git.resolveRef({ fs, gitdir: scope.gitdir, ref: target }).catch(() => undefined);
  if (!oid) throw new UserError(`"${asked}": upstream ${target} of branch "${branch}" does not exist in ${scope.description} (fetch it first)`);
  return oid;
}

async function applyStep(scope: RefScope, oid: string, step: RevisionStep, asked: string): Promise<string> {
  if (step.op === 'peel') {
    if (step.to === 'object') return oid;
    if (step.to === 'tree' || step.to === 'blob') throw new UserError(`"${asked}" names a ${step.to}, not a commit`);
    if (step.to === 'tag') {
      if ((await readParsed(scope, oid, asked)).type !== 'tag') throw new UserError(`"${asked}": ${oid.slice(0, 12)} is not an annotated tag`);
      return oid;
    }
    return step.to === 'commit' ? (await peelToCommit(scope, oid, asked)).oid : peelTags(scope, oid, asked);
  }
  let commit = (await peelToCommit(scope, oid, asked)).oid;
  if (step.op === 'parent') {
    if (step.n === 0) return commit;
    const parents = await parentsOf(scope, commit, asked);
    if (parents.length < step.n)
      throw new UserError(
        `revision not found: "${asked}" in ${scope.description}: commit ${commit.slice(0, 12)} has ${parents.length} parent(s), so ^${step.n} does not exist`,
      );
    return parents[step.n - 1];
  }
  for (let i = 0; i < step.n; i++) {
    const [first] = await parentsOf(scope, commit, asked);
    if (!first)
      throw new UserError(
        `revision not found: "${asked}" in ${scope.description}: history ends at ${commit.slice(0, 12)} after ${i} of ${step.n} step(s) back`,
      );
    commit = first;
  }
  return commit;
}

async function parentsOf(scope: RefScope, commit: string, asked: string): Promise<string[]> {
  const obj = await readParsed(scope, commit, asked);
  return (obj.object as { parent: string[] }).parent;
}

async function readParsed(scope: RefScope, oid: string, asked: string): Promise<{ type: string; object: unknown }> {
  const obj = await git.readObject({ fs, gitdir: scope.gitdir, oid, cache: scope.cache, format: 'parsed' }).catch(() => undefined);
  if (!obj) throw new UserError(`revision not found: "${asked}" in ${scope.description} (object ${oid.slice(0, 12)} is missing)`);
  return obj as { type: string; object: unknown };
}

async function objectExists(scope: RefScope, oid: string): Promise<boolean> {
  return !!(await git.readObject({ fs, gitdir: scope.gitdir, oid: oid.toLowerCase(), cache: scope.cache, format: 'content' }).catch(() => undefined));
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

/** `^{}`: follows annotated tags to the object they finally point at. */
async function peelTags(scope: RefScope, oid: string, asked: string): Promise<string> {
  for (let depth = 0; depth < 10; depth++) {
    const obj = await readParsed(scope, oid, asked);
    if (obj.type !== 'tag') return oid;
    oid = (obj.object as { object: string }).object;
  }
  throw new UserError(`"${asked}": tags nested more than 10 deep in ${scope.description}`);
}

async function peelToCommit(scope: RefScope, oid: string, asked: string): Promise<CommitInfo> {
  const peeled = await peelTags(scope, oid, asked);
  const obj = await readParsed(scope, peeled, asked);
  if (obj.type !== 'commit') throw new UserError(`ref "${asked}" in ${scope.description} names a ${obj.type}, not a commit`);
  return { oid: peeled, ...commitFacts(obj.object as { message: string; author: { name: string; timestamp: number } }) };
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
