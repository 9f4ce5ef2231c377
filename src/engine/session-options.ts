// The options of everything that opens a session: `--repo`, `--ref`, `--path`, `--state` and
// `--age-identity-file`, declared once for the CLI commands (src/cli/options.ts) and the daemon's
// table (src/daemon/options.ts). The default state lives with the manifests of a local repository,
// so every command given the same `--repo` finds the same state, from any working directory.
import { join, resolve } from 'node:path';
// Imported file by file, not through the folders' index modules: those also load the secrets
// machinery and the config-file parser (ajv, yaml), which every command's start-up would pay for.
import { IDENTITY_ENV } from '../secrets/identities.js';
import * as kinds from '../util/options/kinds.js';
import { option } from '../util/options/option.js';

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
  state: option(kinds.pathOrUrl({ arg: '<file|url>', type: 'path or URL', urls: STATE_URL }), {
    description: 'state file (SQLite), or postgresql://user@host:port/db shared by several daemon replicas',
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
