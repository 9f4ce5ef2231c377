// Where the state lives: a SQLite file (the default, `.boreas/state.db`) or a PostgreSQL URL
// (`--state postgresql://user@host:port/db`, also `postgres://`, or `state:` in boreas.yaml). A URL
// is never resolved as a path, and is only ever shown without its password.
import { dirname, resolve } from 'node:path';
import { UserError } from '../model/errors.js';

export type StateLocation =
  | { kind: 'sqlite'; file: string /** caches, state.key, local target state live here */; dir: string }
  | { kind: 'postgres'; url: string /** the URL without its password, for logs and errors */; display: string; dir: string };

/** True for `postgresql://…` and `postgres://…`. */
export function isDatabaseUrl(state: string): boolean {
  return /^postgres(ql)?:\/\//i.test(state);
}

/**
 * Parses `--state`. For a URL, local files (caches, `state.key`, `api.token`, what the local target
 * runs) go to `$BOREAS_DATA_DIR`, else `.boreas` under the current directory.
 */
export function stateLocation(state: string, env: NodeJS.ProcessEnv = process.env): StateLocation {
  if (!isDatabaseUrl(state)) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(state)) throw new UserError(`--state ${displayUrl(state)}: only SQLite files and postgresql:// URLs are supported`);
    const file = resolve(state);
    return { kind: 'sqlite', file, dir: dirname(file) };
  }
  let url: URL;
  try {
    url = new URL(state);
  } catch {
    throw new UserError(`--state ${displayUrl(state)}: not a valid URL`);
  }
  if (!url.hostname) throw new UserError(`--state ${displayUrl(state)}: the URL names no host`);
  return { kind: 'postgres', url: state, display: displayUrl(state), dir: resolve(env.BOREAS_DATA_DIR || '.boreas') };
}

/** A database URL with its password replaced by `***` (user, host, port and database stay readable). */
export function displayUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^@/?#]*)@/i, (_m, scheme: string, userinfo: string) => {
    const user = userinfo.split(':')[0];
    return userinfo.includes(':') ? `${scheme}${user}:***@` : `${scheme}${user}@`;
  });
}
