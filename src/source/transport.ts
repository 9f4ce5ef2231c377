// How objects get from a remote into the cache clone. Both transports leave the same layout in a
// bare repository (branches in refs/remotes/origin/*, tags in refs/tags/*, the remote's HEAD in
// refs/remotes/origin/HEAD), so either can fetch into a clone the other made, and everything
// after the fetch reads the object store through isomorphic-git.
import { spawnSync } from 'node:child_process';

/** `isomorphic-git`: embedded, needs nothing installed. `git-cli`: the system `git`, much faster. */
export type TransportName = 'isomorphic-git' | 'git-cli';

export interface FetchRequest {
  /** Bare cache repository (already initialised). */
  gitdir: string;
  /** URL as given, credentials included (never logged). */
  url: string;
  /** URL for messages (credentials stripped). */
  displayUrl: string;
  /** Shallow fetch depth; undefined = full history (the default, see remote-source.ts). */
  depth?: number;
}

/** Fetches all branches and tags, pruning deleted ones; throws UserError for user-fixable failures. */
export type FetchFn = (req: FetchRequest) => Promise<void>;

/** Env override, for users and for tests that must exercise one path: BOREAS_GIT_TRANSPORT. */
export const TRANSPORT_ENV = 'BOREAS_GIT_TRANSPORT';

let gitCliAvailable: boolean | undefined;

/** True when a working `git` executable is on PATH (checked once per process). */
export function hasGitCli(): boolean {
  gitCliAvailable ??= spawnSync('git', ['--version'], { stdio: 'ignore' }).status === 0;
  return gitCliAvailable;
}

/**
 * The transport to use: an explicit choice, else $BOREAS_GIT_TRANSPORT, else the git CLI when it is
 * installed (10x faster fetches in scripts/bench/source.ts), else isomorphic-git.
 */
export function chooseTransport(explicit?: TransportName): TransportName {
  const fromEnv = process.env[TRANSPORT_ENV];
  const choice = explicit ?? (fromEnv === 'isomorphic-git' || fromEnv === 'git-cli' ? fromEnv : undefined);
  if (choice) return choice;
  return hasGitCli() ? 'git-cli' : 'isomorphic-git';
}
