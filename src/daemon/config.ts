// The daemon's settings: command-line flags over `boreas.yaml` over defaults, resolved once at start
// (durations parsed, secrets read from their files, never logged).
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { UserError } from '../model/errors.js';
import { isDatabaseUrl } from '../store/index.js';
import { parseDuration } from '../util/duration.js';
import { loadConfigFile, type DaemonConfigFile } from './config-file.js';

/** Everything the daemon runs with. */
export interface DaemonConfig {
  repo: string;
  ref?: string;
  path?: string;
  state: string;
  host: string;
  port: number;
  intervalMs: number;
  resyncMs: number;
  watch: boolean;
  logFormat: 'json' | 'text';
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  timeoutMs: number;
  shutdownTimeoutMs: number;
  concurrency: number;
  prune: boolean;
  /** HMAC secret / GitLab token for the webhook endpoints; webhooks are refused without one. */
  webhookSecret?: string;
  /**
   * Bearer token of the API (mutating calls always, reads off loopback) and the dashboard login.
   * Unset here means "generate one at start into <stateDir>/api.token" (startDaemon fills it in).
   */
  apiToken?: string;
  /** The file the token was read from (or generated into), for the start-up log; never the token. */
  apiTokenFile?: string;
  /** Serve reads (API GETs, /metrics, the dashboard) without the token on a non-loopback address. */
  apiReadPublic: boolean;
  /** Host names (optionally host:port) the API answers to besides the listen address (reverse proxies). */
  allowedHosts: string[];
  /** Pull-mode agents: node name → token. */
  agentTokens: Map<string, string>;
  /** age identity files decrypting the repo's age/SOPS values (empty: BOREAS_AGE_IDENTITY_FILE). */
  ageIdentityFiles: string[];
  /** Where the settings came from, for the start-up log line. */
  configFile?: string;
  /** This replica's id among the daemons sharing a PostgreSQL state (docs/ha.md); default the host name. */
  replicaId: string;
  /** How often a replica heartbeats and renews its leases (PostgreSQL state). Default 2 s. */
  heartbeatMs: number;
  /** How long a lease (and a replica's membership) lasts without a heartbeat. Default 10 s. */
  leaseTtlMs: number;
}

/** The daemon's flags as commander hands them over (all optional: unset means "config or default"). */
export interface DaemonFlags {
  config?: string;
  repo?: string;
  ref?: string;
  path?: string;
  state?: string;
  listen?: string;
  interval?: string;
  resync?: string;
  watch?: boolean;
  webhookSecretFile?: string;
  apiTokenFile?: string;
  apiReadPublic?: boolean;
  allowedHosts?: string;
  logFormat?: string;
  logLevel?: string;
  timeout?: string;
  concurrency?: string;
  prune?: boolean;
  ageIdentityFile?: string[];
  replicaId?: string;
  heartbeat?: string;
  leaseTtl?: string;
}

export const defaultConfigFile = 'boreas.yaml';

/** Merges flags, the config file (explicit --config, else ./boreas.yaml when present) and defaults. */
export function resolveDaemonConfig(flags: DaemonFlags, cwd = process.cwd()): DaemonConfig {
  const configFile = flags.config ? resolve(cwd, flags.config) : existsSync(resolve(cwd, defaultConfigFile)) ? resolve(cwd, defaultConfigFile) : undefined;
  if (flags.config && !existsSync(configFile!)) throw new UserError(`config file not found: ${flags.config}`);
  const file: DaemonConfigFile = configFile ? loadConfigFile(configFile) : {};
  const pick = <K extends keyof DaemonConfigFile>(key: K, flag: DaemonConfigFile[K] | undefined) => (flag !== undefined ? flag : file[key]);

  const listen = pick('listen', flags.listen) ?? '127.0.0.1:8080';
  const { host, port } = parseListen(listen);
  const logFormat = pick('logFormat', flags.logFormat as DaemonConfigFile['logFormat']) ?? 'json';
  if (logFormat !== 'json' && logFormat !== 'text') throw new UserError(`--log-format must be json or text, got "${logFormat}"`);
  const logLevel = pick('logLevel', flags.logLevel as DaemonConfigFile['logLevel']) ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) throw new UserError(`--log-level must be debug, info, warn or error, got "${logLevel}"`);
  const concurrency = flags.concurrency !== undefined ? Number(flags.concurrency) : (file.concurrency ?? 4);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UserError(`--concurrency must be a positive integer, got "${flags.concurrency}"`);
  const intervalMs = parseDuration(pick('interval', flags.interval) ?? '1m', '--interval');
  const resyncMs = parseDuration(pick('resync', flags.resync) ?? '5m', '--resync');
  if (intervalMs < 100 || resyncMs < 100) throw new UserError('--interval and --resync must be at least 100ms');

  const secretFile = flags.webhookSecretFile ? resolve(cwd, flags.webhookSecretFile) : file.webhookSecretFile;
  const tokenFile = flags.apiTokenFile ? resolve(cwd, flags.apiTokenFile) : file.apiTokenFile;
  const agentTokens = new Map(Object.entries(file.agentTokens ?? {}).map(([node, f]) => [node, readSecretFile(f, `agent token of node ${node}`)]));
  const repo = flags.repo ?? file.repo ?? '.';
  const replicaId = pick('replicaId', flags.replicaId) ?? hostname();
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(replicaId))
    throw new UserError(`--replica-id must be 1-63 letters, digits, '.', '_' or '-', got "${replicaId}"`);
  const heartbeatMs = parseDuration(pick('heartbeat', flags.heartbeat) ?? '2s', '--heartbeat');
  const leaseTtlMs = parseDuration(pick('leaseTtl', flags.leaseTtl) ?? '10s', '--lease-ttl');
  if (heartbeatMs < 100 || leaseTtlMs < 3 * heartbeatMs) throw new UserError('--lease-ttl must be at least three heartbeats (and --heartbeat at least 100ms)');
  return {
    repo: /^https?:\/\//i.test(repo) ? repo : resolve(cwd, repo),
    ref: pick('ref', flags.ref),
    path: pick('path', flags.path),
    // A PostgreSQL URL is not a path: never resolved.
    state: flags.state ? (isDatabaseUrl(flags.state) ? flags.state : resolve(cwd, flags.state)) : (file.state ?? resolve(cwd, '.boreas/state.db')),
    host,
    port,
    intervalMs,
    resyncMs,
    watch: pick('watch', flags.watch) ?? false,
    logFormat,
    logLevel,
    timeoutMs: parseDuration(pick('timeout', flags.timeout) ?? '5m', '--timeout'),
    shutdownTimeoutMs: parseDuration(file.shutdownTimeout ?? '30s', 'shutdownTimeout'),
    concurrency,
    prune: pick('prune', flags.prune === false ? false : undefined) ?? true,
    webhookSecret: secretFile ? readSecretFile(secretFile, 'webhook secret') : undefined,
    apiToken: tokenFile ? readSecretFile(tokenFile, 'API token') : undefined,
    apiTokenFile: tokenFile,
    apiReadPublic: pick('apiReadPublic', flags.apiReadPublic) ?? false,
    allowedHosts: flags.allowedHosts !== undefined ? splitHosts(flags.allowedHosts) : (file.allowedHosts ?? []).map((h) => h.toLowerCase()),
    agentTokens,
    ageIdentityFiles: flags.ageIdentityFile?.length ? flags.ageIdentityFile.map((f) => resolve(cwd, f)) : (file.ageIdentityFile ?? []),
    configFile,
    replicaId,
    heartbeatMs,
    leaseTtlMs,
  };
}

/** `host:port` or `[v6]:port`; port 0 asks the OS for a free port. */
export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(listen);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new UserError(`--listen must be host:port (e.g. 127.0.0.1:8080), got "${listen}"`);
  return { host: m[1] ?? m[2], port };
}

/** `a.example.com,b.example.com:8443` → entries; each must be a host name or IP, optionally with a port. */
function splitHosts(value: string): string[] {
  const hosts = value
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  for (const h of hosts)
    if (!/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/.test(h)) throw new UserError(`--allowed-hosts: "${h}" is not a host name or host:port`);
  return hosts;
}

function readSecretFile(file: string, what: string): string {
  let value: string;
  try {
    value = readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new UserError(`cannot read the ${what} file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!value) throw new UserError(`the ${what} file ${file} is empty`);
  return value;
}
