// Every setting of `boreas agent`, written once: the flag, the agent.yaml key (camelCase of the flag;
// the v1 Operator-PM keys server.host/port, agent.id, agent.work_dir, agent.docker.socket_path and
// log.level as aliases), the default, and the type of `AgentConfig` (config.ts) all come from here.
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { Runtime } from '../model/machine-specs.js';
import { UserError } from '../model/errors.js';
import { kinds, option } from '../util/options/index.js';

const { absolutePath, command, hostPort, integer, list, oneOf, path, text } = kinds;

export const runtimeNames: readonly Runtime[] = ['process', 'script', 'container', 'systemd'];

/** host and port of a listen address ("127.0.0.1:8081", "[::1]:8081", ":8081" = every address). */
export function parseListen(listen: string, where = 'listen'): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(listen);
  if (!m || Number(m[3]) > 65535) throw new UserError(`${where}: invalid address "${listen}" (expected host:port, e.g. 127.0.0.1:8081)`);
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port: Number(m[3]) };
}

function runtime(text: string, where: string): Runtime {
  const hit = runtimeNames.find((r) => r === text);
  if (!hit) throw new UserError(`${where}: unknown runtime "${text}" (expected ${runtimeNames.join(', ')})`);
  return hit;
}

const port = () => integer({ arg: '<port>', min: 1, max: 65535, type: 'port' });
const dir = () => path('<dir>');
const str = (v: unknown) => String(v);
const logLevels = oneOf(['debug', 'info', 'warn', 'error'], '<level>');

export const agentOptions = {
  listen: option(hostPort({ check: (v, where) => parseListen(v, where) }), {
    description: 'address of the HTTP API (port 0: any free port)',
    default: '127.0.0.1:8081',
    aliases: [
      {
        path: 'server',
        shown: 'server.host, server.port',
        schema: { type: 'object', properties: { host: { type: 'string', minLength: 1 }, port: { type: 'integer', minimum: 0, maximum: 65535 } } },
        fromFile: (raw: unknown) => {
          const s = typeof raw === 'object' && raw !== null ? Object.fromEntries(Object.entries(raw)) : {};
          return `${s.host ?? '127.0.0.1'}:${s.port ?? 8081}`;
        },
      },
    ],
  }),
  nodeName: option(text({ arg: '<name>' }), {
    description: 'name of this node, as in its Node manifest',
    default: () => hostname(),
    defaultText: 'the host name',
    aliases: [{ path: 'agent.id', schema: { type: 'string', minLength: 1 }, fromFile: str }],
  }),
  tokenFile: option(path('<file>'), { description: 'file holding the bearer token (required; read once, only its hash is kept)' }),
  workDir: option(dir(), {
    description: 'state, logs and instance directories',
    default: () => (process.getuid?.() === 0 ? '/var/lib/boreas-agent' : join(process.env.HOME ?? '/tmp', '.boreas-agent')),
    defaultText: '/var/lib/boreas-agent as root, ~/.boreas-agent otherwise',
    aliases: [{ path: 'agent.work_dir', schema: { type: 'string', minLength: 1 }, fromFile: str }],
  }),
  allowedRoots: option(
    list({ type: 'list of path', arg: '<dir>', items: { type: 'string', minLength: 1 }, flag: 'repeated', item: (t, _w, d) => resolve(d, t) }),
    {
      flag: 'allowed-root',
      description: 'directory file tasks may write under and instances may work in',
      default: [],
    },
  ),
  allowCommands: option(
    list({ type: 'list of absolute path', arg: '<path>', items: { type: 'string', pattern: '^/' }, flag: 'repeated', item: absolutePath }),
    {
      flag: 'allow-command',
      description: 'executable that instances, unit Exec lines and exec health checks may run',
      default: [],
      defaultText: 'any',
    },
  ),
  runtimes: option(
    list({
      type: 'list of runtime',
      arg: '<list>',
      items: { enum: runtimeNames },
      flag: 'comma',
      fileString: 'comma',
      item: runtime,
      invalid: 'must be a list of runtimes or a comma-separated string',
    }),
    { description: `runtimes this node accepts, comma-separated: ${runtimeNames.join(',')}`, defaultText: 'every runtime it has' },
  ),
  dockerSocket: option(path(), {
    description: 'Docker Engine socket',
    default: '/var/run/docker.sock',
    aliases: [{ path: 'agent.docker.socket_path', schema: { type: 'string', minLength: 1 }, fromFile: str }],
  }),
  systemctl: option(command(), { description: 'systemctl invocation, e.g. "systemctl --user"', default: ['systemctl'] }),
  systemdUnitDir: option(dir(), { description: 'where unit files are written', default: '/etc/systemd/system' }),
  nginxConfDir: option(dir(), { description: 'where nginx site files are written', default: '/etc/nginx/conf.d' }),
  nginxCertDir: option(dir(), { description: 'where certificates and keys are written', default: '/etc/nginx/boreas-certs' }),
  nginxWebroot: option(dir(), { description: 'root nginx serves ACME http-01 challenges from', default: '/var/lib/boreas/acme-webroot' }),
  nginxListenAddress: option(text({ arg: '<addr>' }), { description: 'address nginx listens on', defaultText: 'every address' }),
  nginxTestCommand: option(command(), { description: 'nginx configuration test', default: ['nginx', '-t'] }),
  nginxReloadCommand: option(command(), { description: 'nginx reload', default: ['nginx', '-s', 'reload'] }),
  nginxHttpPort: option(port(), { description: 'port nginx serves http on', default: 80 }),
  nginxHttpsPort: option(port(), { description: 'port nginx serves https on', default: 443 }),
  maxBodyBytes: option(integer({ arg: '<n>', min: 1024 }), { description: 'largest accepted request body, in bytes', default: 8 * 1024 * 1024 }),
  controllerUrl: option(text({ arg: '<url>', type: 'URL', pattern: '^https?://', invalid: 'must be an http(s) URL' }), {
    description: 'pull mode: poll this controller for tasks (the push API stays available)',
  }),
  pollWaitMs: option(integer({ arg: '<ms>', min: 0 }), { description: 'pull mode: long-poll wait, in milliseconds', default: 20_000 }),
  logLevel: option(logLevels, {
    description: 'least severe log level written',
    default: 'info',
    aliases: [{ path: 'log.level', schema: logLevels.schema, fromFile: (raw: unknown, where: string) => logLevels.fromFile(raw, where, '') }],
  }),
};
