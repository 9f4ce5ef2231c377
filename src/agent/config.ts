// Agent configuration: defaults ← agent.yaml ← flags. Every flag has a config key (camelCase of the
// flag) and a default; the v1 agent.yaml keys (server.host/port, agent.id, agent.work_dir,
// agent.docker.socket_path) are accepted as aliases so an Operator-PM agent.yaml keeps working.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { UserError } from '../model/errors.js';
import type { Runtime } from '../model/machine-specs.js';

export interface AgentConfig {
  /** host:port the HTTP API listens on (port 0 = any free port). */
  listen: string;
  nodeName: string;
  /** File holding the bearer token; read once, hashed, dropped. */
  tokenFile?: string;
  workDir: string;
  /** Directories file tasks may write under (and instance working directories may be in). */
  allowedRoots: string[];
  /** Executables instances, unit Exec lines and exec health checks may run; empty = any (the default). */
  allowCommands: string[];
  /** Runtimes this node accepts; undefined = every runtime it has. */
  runtimes?: Runtime[];
  dockerSocket: string;
  /** argv prefix for systemctl, e.g. ["systemctl", "--user"]. */
  systemctl: string[];
  /** Where SystemdInstallUnit writes unit files when the task gives no unitPath. */
  systemdUnitDir: string;
  nginxConfDir: string;
  /** Where DeployCertificate writes certificates and keys. */
  nginxCertDir: string;
  /** Root nginx serves /.well-known/acme-challenge/ from (http-01). */
  nginxWebroot: string;
  /** Address nginx listens on; empty = every address. */
  nginxListenAddress?: string;
  nginxTestCommand: string[];
  nginxReloadCommand: string[];
  nginxHttpPort: number;
  nginxHttpsPort: number;
  /** Request bodies above this size get 413. */
  maxBodyBytes: number;
  /** Pull mode (docs/design.md, Agent protocol): the controller's base URL; the agent polls it for tasks. */
  controllerUrl?: string;
  /** Pull mode: long-poll wait in ms. */
  pollWaitMs: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

/** Defaults for everything but the work dir, which depends on the user. */
export function defaultAgentConfig(): AgentConfig {
  const workDir = process.getuid?.() === 0 ? '/var/lib/boreas-agent' : join(process.env.HOME ?? '/tmp', '.boreas-agent');
  return {
    listen: '127.0.0.1:8081',
    nodeName: hostname(),
    workDir,
    allowedRoots: [],
    allowCommands: [],
    dockerSocket: '/var/run/docker.sock',
    systemctl: ['systemctl'],
    systemdUnitDir: '/etc/systemd/system',
    nginxConfDir: '/etc/nginx/conf.d',
    nginxCertDir: '/etc/nginx/boreas-certs',
    nginxWebroot: '/var/lib/boreas/acme-webroot',
    nginxTestCommand: ['nginx', '-t'],
    nginxReloadCommand: ['nginx', '-s', 'reload'],
    nginxHttpPort: 80,
    nginxHttpsPort: 443,
    maxBodyBytes: 8 * 1024 * 1024,
    pollWaitMs: 20_000,
    logLevel: 'info',
  };
}

const argv = { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 };
const runtimeNames: Runtime[] = ['process', 'script', 'container', 'systemd'];
const fileSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    listen: { type: 'string' },
    nodeName: { type: 'string', minLength: 1 },
    tokenFile: { type: 'string' },
    workDir: { type: 'string' },
    allowedRoots: { type: 'array', items: { type: 'string' } },
    allowCommands: { type: 'array', items: { type: 'string', pattern: '^/' } },
    runtimes: { anyOf: [{ type: 'array', items: { enum: runtimeNames } }, { type: 'string' }] },
    dockerSocket: { type: 'string' },
    systemctl: { anyOf: [argv, { type: 'string' }] },
    systemdUnitDir: { type: 'string' },
    nginxConfDir: { type: 'string' },
    nginxCertDir: { type: 'string' },
    nginxWebroot: { type: 'string' },
    nginxListenAddress: { type: 'string' },
    nginxTestCommand: { anyOf: [argv, { type: 'string' }] },
    nginxReloadCommand: { anyOf: [argv, { type: 'string' }] },
    nginxHttpPort: { type: 'integer', minimum: 1, maximum: 65535 },
    nginxHttpsPort: { type: 'integer', minimum: 1, maximum: 65535 },
    maxBodyBytes: { type: 'integer', minimum: 1024 },
    controllerUrl: { type: 'string', pattern: '^https?://' },
    pollWaitMs: { type: 'integer', minimum: 0 },
    logLevel: { enum: ['debug', 'info', 'warn', 'error'] },
    // v1 agent.yaml sections (aliases, see file comment)
    server: { type: 'object' },
    agent: { type: 'object' },
    log: { type: 'object' },
  },
};
const validateFile = new Ajv({ allErrors: true }).compile(fileSchema);

/** Splits a command given as one string ("systemctl --user") into argv; no shell is involved. */
export function splitArgv(value: string | string[]): string[] {
  return Array.isArray(value) ? value : value.trim().split(/\s+/).filter(Boolean);
}

/** Reads agent.yaml; errors name the file and the key. */
export function readAgentConfigFile(path: string): Partial<AgentConfig> {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8')) ?? {};
  } catch (err) {
    throw new UserError(`${path}: cannot read agent config: ${(err as Error).message}`);
  }
  if (!validateFile(doc)) {
    const e = validateFile.errors![0];
    const key =
      e.keyword === 'additionalProperties'
        ? (e.params as { additionalProperty: string }).additionalProperty
        : e.instancePath.replace(/^\//, '').replace(/\//g, '.');
    throw new UserError(`${path}: ${e.keyword === 'additionalProperties' ? `unknown key "${key}"` : `${key}: ${e.message}`}`);
  }
  const raw = doc as Record<string, unknown> & {
    server?: { host?: string; port?: number };
    agent?: { id?: string; work_dir?: string; docker?: { socket_path?: string } };
    log?: { level?: string };
  };
  const out: Partial<AgentConfig> = {};
  if (raw.server?.host || raw.server?.port) out.listen = `${raw.server.host ?? '127.0.0.1'}:${raw.server.port ?? 8081}`;
  if (raw.agent?.id) out.nodeName = raw.agent.id;
  if (raw.agent?.work_dir) out.workDir = raw.agent.work_dir;
  if (raw.agent?.docker?.socket_path) out.dockerSocket = raw.agent.docker.socket_path;
  if (raw.log?.level) out.logLevel = raw.log.level as AgentConfig['logLevel'];
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'server' || k === 'agent' || k === 'log') continue;
    if (k === 'runtimes') out.runtimes = parseRuntimes(v as string | string[], `${path}: runtimes`);
    else (out as Record<string, unknown>)[k] = k === 'systemctl' || k.endsWith('Command') ? splitArgv(v as string | string[]) : v;
  }
  return out;
}

/** Merges layers (later wins), resolves paths and checks the result. */
export function resolveAgentConfig(...layers: Array<Partial<AgentConfig>>): AgentConfig {
  const cfg = Object.assign(defaultAgentConfig(), ...layers.map(dropUndefined)) as AgentConfig;
  parseListen(cfg.listen);
  cfg.workDir = resolve(cfg.workDir);
  cfg.allowedRoots = cfg.allowedRoots.map((r) => resolve(r));
  for (const c of cfg.allowCommands) if (!isAbsolute(c)) throw new UserError(`--allow-command: expected an absolute path, got "${c}"`);
  if (cfg.tokenFile) cfg.tokenFile = resolve(cfg.tokenFile);
  return cfg;
}

/** `process,script` (or a YAML list) → runtimes; an unknown name is an error naming `where`. */
export function parseRuntimes(value: string | string[], where: string): Runtime[] {
  const list = (Array.isArray(value) ? value : value.split(',')).map((r) => r.trim()).filter(Boolean);
  for (const r of list) if (!runtimeNames.includes(r as Runtime)) throw new UserError(`${where}: unknown runtime "${r}" (expected ${runtimeNames.join(', ')})`);
  return list as Runtime[];
}

/** host and port of a listen address ("127.0.0.1:8081", "[::1]:8081", ":8081"). */
export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(listen);
  if (!m || Number(m[3]) > 65535) throw new UserError(`listen: invalid address "${listen}" (expected host:port, e.g. 127.0.0.1:8081)`);
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port: Number(m[3]) };
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
