// Posting the plan report to a pull request: one marker-tagged comment per PR, created or updated
// in place (docs/design.md, PR report). `resolveForgeTarget` turns CLI flags into a target; `upsertPlanComment` posts.
import { ExitCode, UserError } from '../../model/errors.js';
import { DEFAULT_API_URL, FORGE_KINDS, type ForgeKind, type ForgeTarget } from './forges.js';

export { upsertPlanComment, type UpsertResult } from './upsert.js';
export { tagBody, contentHash, isPlanComment, MARKER_HASH_OVERHEAD } from './comment-body.js';
export { FORGE_KINDS, commentApi, type ForgeKind, type ForgeTarget, type ForgeComment, type CommentApi } from './forges.js';

/** Environment variable holding the token when `--forge-token-env` is not given. */
export const DEFAULT_TOKEN_ENV: Record<ForgeKind, string> = { github: 'GITHUB_TOKEN', gitea: 'GITEA_TOKEN', gitlab: 'GITLAB_TOKEN' };

/** The `--comment` family of flags as commander parses them. */
export interface ForgeFlags {
  comment: string;
  forgeUrl?: string;
  forgeRepo?: string;
  pr?: string;
  forgeTokenEnv?: string;
}

/**
 * Checks the flags and reads the token from the environment before any work is done, so a missing
 * token fails fast with the variable's name (never its value) and no request is sent.
 */
export function resolveForgeTarget(flags: ForgeFlags, env: NodeJS.ProcessEnv = process.env): ForgeTarget {
  const fail = (msg: string) => new UserError(msg, ExitCode.Failure);
  if (!(FORGE_KINDS as readonly string[]).includes(flags.comment)) throw fail(`--comment must be one of ${FORGE_KINDS.join(', ')}, not "${flags.comment}"`);
  const kind = flags.comment as ForgeKind;
  const apiUrl = flags.forgeUrl ?? DEFAULT_API_URL[kind];
  if (!apiUrl) throw fail(`--comment ${kind} needs --forge-url (the API base, e.g. https://${kind}.example.com${kind === 'gitlab' ? '/api/v4' : '/api/v1'})`);
  try {
    if (!/^https?:$/.test(new URL(apiUrl).protocol)) throw new Error();
  } catch {
    throw fail(`--forge-url "${apiUrl}" is not an http(s) URL`);
  }
  if (!flags.forgeRepo) throw fail(`--comment ${kind} needs --forge-repo (${kind === 'gitlab' ? 'project id or group/name' : 'owner/name'})`);
  if (kind !== 'gitlab' && !/^[^/\s]+\/[^/\s]+$/.test(flags.forgeRepo)) throw fail(`--forge-repo "${flags.forgeRepo}" must be owner/name`);
  const pr = Number(flags.pr);
  if (!flags.pr || !Number.isInteger(pr) || pr <= 0)
    throw fail(`--comment ${kind} needs --pr <number> (a positive integer${flags.pr ? `, not "${flags.pr}"` : ''})`);
  const tokenEnv = flags.forgeTokenEnv ?? DEFAULT_TOKEN_ENV[kind];
  const token = env[tokenEnv];
  if (!token) throw fail(`--comment ${kind}: environment variable ${tokenEnv} is not set or empty (it must hold the API token)`);
  return { kind, apiUrl, repo: flags.forgeRepo, pr, token };
}
