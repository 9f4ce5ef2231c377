// The daemon's settings: command-line flags over `boreas.yaml` over the environment over defaults
// (all declared in options.ts), resolved once at start: durations parsed, secrets read from their
// files (never logged).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../model/errors.js';
import { readConfigFile } from '../util/options/config-file.js';
import { type OptionValues, type RawFlags, envLayer, flagLayer, mergeOptions } from '../util/options/index.js';
import { daemonOptions, parseListen } from './options.js';

export { parseListen } from './options.js';

/** Everything the daemon runs with: the options of `daemonOptions`, plus what is derived from them at start. */
export type DaemonConfig = OptionValues<typeof daemonOptions> & {
  host: string;
  port: number;
  /** HMAC secret / GitLab token for the webhook endpoints; webhooks are refused without one. */
  webhookSecret?: string;
  /**
   * Bearer token of the API (mutating calls always, reads off loopback) and the dashboard login.
   * Unset here means "generate one at start into <stateDir>/api.token" (startDaemon fills it in).
   */
  apiToken?: string;
  /** Pull-mode agents: node name → token. */
  agentTokens: Map<string, string>;
  /** Where the settings came from, for the start-up log line. */
  configFile?: string;
};

/** The daemon's flags as commander hands them over (unset means "config file, environment or default"). */
export type DaemonFlags = RawFlags & { config?: string };

export const defaultConfigFile = 'boreas.yaml';

/** What editors and the daemon check boreas.yaml against (schemas/config/daemon-config.schema.json). */
export const daemonConfigFile = {
  $id: 'https://boreas.dev/schemas/daemon-config.json',
  title: 'boreas.yaml',
  description: 'Configuration of `boreas daemon`: every key but shutdownTimeout and agentTokens mirrors a flag; a flag wins over the file.',
};

/** Merges flags, the config file (explicit --config, else ./boreas.yaml when present), the environment and defaults. */
export function resolveDaemonConfig(flags: DaemonFlags, cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): DaemonConfig {
  const implicit = resolve(cwd, defaultConfigFile);
  const configFile = flags.config ? resolve(cwd, flags.config) : existsSync(implicit) ? implicit : undefined;
  if (flags.config && configFile && !existsSync(configFile)) throw new UserError(`config file not found: ${flags.config}`);
  const file = configFile ? readConfigFile(daemonOptions, configFile, daemonConfigFile) : {};
  const o = mergeOptions(daemonOptions, [envLayer(daemonOptions, env, cwd), file, flagLayer(daemonOptions, flags, cwd)], cwd);
  const { host, port } = parseListen(o.listen);
  if (o.intervalMs < 100 || o.resyncMs < 100) throw new UserError('--interval and --resync must be at least 100ms');
  if (o.heartbeatMs < 100 || o.leaseTtlMs < 3 * o.heartbeatMs)
    throw new UserError('--lease-ttl must be at least three heartbeats (and --heartbeat at least 100ms)');
  return {
    ...o,
    host,
    port,
    webhookSecret: o.webhookSecretFile ? readSecretFile(o.webhookSecretFile, 'webhook secret') : undefined,
    apiToken: o.apiTokenFile ? readSecretFile(o.apiTokenFile, 'API token') : undefined,
    agentTokens: new Map(Object.entries(o.agentTokenFiles).map(([node, f]) => [node, readSecretFile(f, `agent token of node ${node}`)])),
    configFile,
  };
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
