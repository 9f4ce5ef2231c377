// The options of everything that opens a session: `--repo`, `--ref`, `--path`, `--state` and
// `--age-identity-file`, declared once for the CLI commands (src/cli/options.ts) and the daemon's
// table (src/daemon/options.ts). The default state lives with the manifests of a local repository,
// so every command given the same `--repo` finds the same state, from any working directory.
import { join, resolve } from 'node:path';
import { UserError } from '../model/errors.js';
import { IDENTITY_ENV } from '../secrets/index.js';
import { kinds, option } from '../util/options/index.js';

/** URLs and scp-style addresses are kept as written (the source says which it supports). */
const REPO_URL = /^[a-z][a-z0-9+.-]*:\/\/|^[\w.-]+@[\w.-]+:/i;
/** A state location with a scheme (`postgresql://…`) names a database, not a file: never resolved as a path. */
const STATE_URL = /^[a-z][a-z0-9+.-]*:\/\//i;

/** The state when --state is not given: `<repo>/.boreas/state.db` for a local repository, `./.boreas/state.db` for a remote one. */
export function defaultStateLocation(repo: string, cwd: string): string {
  return join(REPO_URL.test(repo) ? cwd : resolve(cwd, repo), '.boreas', 'state.db');
}

/** True when `state` names a file (not a database URL), so "does it exist yet" is a file question. */
export function isStateFile(state: string): boolean {
  return !STATE_URL.test(state);
}

/**
 * The absolute path of a state file. The seam for database state: a `postgresql://…` location is
 * refused here, before anything could resolve it as a relative path and create directories named
 * after it, until a store that speaks it is wired in.
 */
export function stateFilePath(state: string): string {
  if (!isStateFile(state))
    throw new UserError(`--state: "${state.replace(/\/\/[^@/]*@/, '//')}" is a database URL; this build keeps state in a SQLite file (give a path)`);
  return resolve(state);
}

export const sessionOptions = {
  repo: option(kinds.pathOrUrl({ arg: '<path|url>', type: 'path or URL', urls: REPO_URL }), {
    description: 'manifests repository: a local directory or an http(s) Git URL',
    default: '.',
  }),
  ref: option(kinds.text({ arg: '<rev>' }), {
    description: 'revision to read, as git spells it: branch, tag, SHA, HEAD~1, origin/main, v1^{}',
    defaultText: 'the working tree, or HEAD of a remote',
  }),
  path: option(kinds.text({ arg: '<subdir>', allowEmpty: true }), { description: 'subdirectory of the repository holding the manifests' }),
  state: option(kinds.pathOrUrl({ arg: '<file>', type: 'path', urls: STATE_URL }), {
    description: 'state file (SQLite)',
    default: (earlier, cwd) => defaultStateLocation(String(earlier.repo ?? '.'), cwd),
    defaultText: '<repo>/.boreas/state.db for a local --repo, else .boreas/state.db in the working directory',
  }),
  ageIdentityFile: option(
    kinds.list({
      type: 'list of path',
      arg: '<file>',
      items: { type: 'string', minLength: 1 },
      flag: 'repeated',
      fileString: 'single',
      minItems: 1,
      invalid: 'must be a path or a list of paths',
      item: (text, _where, dir) => resolve(dir, text),
    }),
    {
      field: 'ageIdentityFiles',
      description: 'age identity file (as age-keygen writes) decrypting the age/SOPS values of the repository',
      env: IDENTITY_ENV,
      default: [],
    },
  ),
};
