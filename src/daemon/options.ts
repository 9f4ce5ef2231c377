// Every setting of `boreas daemon`, written once: the flag, the boreas.yaml key, the default and the
// type of `DaemonConfig` (config.ts) come from this table. The repository and state options are the
// ones every command shares (engine/session-options.ts). Durations are held in milliseconds.
import { hostname } from 'node:os';
import { UserError } from '../model/errors.js';
import { sessionOptions } from '../engine/session-options.js';
import { kinds, option } from '../util/options/index.js';

const { duration, fileMap, hostPort, integer, list, oneOf, path, text, toggle } = kinds;

const LISTEN = '^(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9.-]+):[0-9]{1,5}$';
const HOST = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/;

/** `host:port` or `[v6]:port`; port 0 asks the OS for a free port. */
export function parseListen(listen: string, where = '--listen'): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(listen);
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || port > 65535) throw new UserError(`${where} must be host:port (e.g. 127.0.0.1:8080), got "${listen}"`);
  return { host: m[1] ?? m[2], port };
}

/** A Host header value the API answers to: a host name or IP, optionally with a port; lower-cased. */
function allowedHost(text: string, where: string): string {
  const h = text.trim().toLowerCase();
  if (!HOST.test(h)) throw new UserError(`${where}: "${h}" is not a host name or host:port`);
  return h;
}

export const daemonOptions = {
  repo: sessionOptions.repo,
  ref: { ...sessionOptions.ref, description: 'branch, tag or commit to follow (webhooks for other branches are ignored)' },
  path: sessionOptions.path,
  state: sessionOptions.state,
  replicaId: option(text({ arg: '<id>', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$', invalid: "must be 1-63 letters, digits, '.', '_' or '-'" }), {
    description: 'this replica among daemons sharing a PostgreSQL state (docs/ha.md)',
    default: () => hostname(),
    defaultText: 'the host name',
  }),
  heartbeat: option(duration(), {
    field: 'heartbeatMs',
    description: 'replica heartbeat and lease renewal interval (PostgreSQL state)',
    default: 2_000,
  }),
  leaseTtl: option(duration(), {
    field: 'leaseTtlMs',
    description: 'how long an environment lease lasts without renewal (PostgreSQL state); at least three heartbeats',
    default: 10_000,
  }),
  listen: option(hostPort({ check: (v, where) => parseListen(v, where), pattern: LISTEN }), {
    description: 'HTTP address of the API, metrics and dashboard',
    default: '127.0.0.1:8080',
  }),
  interval: option(duration(), { field: 'intervalMs', description: 'how often to poll Git for a new revision', default: 60_000 }),
  resync: option(duration(), { field: 'resyncMs', description: 'how often to re-observe and correct drift without a new commit', default: 300_000 }),
  watch: option(toggle(), { description: 'watch a local repository directory and reconcile on changes', default: false }),
  webhookSecretFile: option(path('<file>'), { description: 'file holding the webhook HMAC secret (GitHub/Gitea) or token (GitLab)' }),
  apiTokenFile: option(path('<file>'), {
    description: 'file holding the API bearer token',
    defaultText: 'generated once into api.token beside the state file, mode 0600',
  }),
  apiReadPublic: option(toggle(), {
    description: 'serve API reads, /metrics and the dashboard without the token even on a non-loopback address',
    default: false,
  }),
  allowedHosts: option(
    list({
      type: 'list of host[:port]',
      arg: '<list>',
      items: { type: 'string', pattern: '^(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?$' },
      flag: 'comma',
      invalidItem: 'must be a host name or host:port',
      item: allowedHost,
    }),
    { description: 'Host names (host or host:port) the API answers to besides the listen address; the flag is comma-separated', default: [] },
  ),
  logFormat: option(oneOf(['json', 'text'], '<format>'), { description: 'log line format', default: 'json' }),
  logLevel: option(oneOf(['debug', 'info', 'warn', 'error'], '<level>'), { description: 'least severe log level written', default: 'info' }),
  timeout: option(duration(), { field: 'timeoutMs', description: 'give up on one reconcile after this long', default: 300_000 }),
  shutdownTimeout: option(duration(), {
    flag: false,
    field: 'shutdownTimeoutMs',
    description: 'on SIGTERM, how long the running reconcile may finish before the daemon exits',
    default: 30_000,
  }),
  concurrency: option(integer({ arg: '<n>', min: 1, max: 64 }), { description: 'tasks run at once', default: 4 }),
  prune: option(toggle(), { description: 'whether to delete resources removed from Git (--no-prune keeps and reports them)', default: true }),
  allowMassDelete: option(toggle(), {
    description: 'let a reconcile delete more than half of what Boreas manages in an environment',
    default: false,
  }),
  allowEmpty: option(toggle(), { description: 'accept a repository path without manifests (deletes everything Boreas manages)', default: false }),
  ageIdentityFile: sessionOptions.ageIdentityFile,
  agentTokens: option(fileMap({ names: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', invalidName: 'must be a node name (lower-case letters, digits and -)' }), {
    flag: false,
    field: 'agentTokenFiles',
    description: "pull-mode agents: node name → file holding that node's token",
    default: {},
  }),
};
