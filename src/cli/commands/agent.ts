// `boreas agent`: the node agent (node status API + typed tasks). Config: defaults ← --config agent.yaml
// ← flags. Flags carry no commander defaults on purpose, so a value in agent.yaml is not overridden
// by a default the user never typed; the defaults live in src/agent/config.ts and are shown in help.
import type { Command } from 'commander';
import { parseRuntimes, readAgentConfigFile, resolveAgentConfig, splitArgv, type AgentConfig } from '../../agent/config.js';
import { startAgent } from '../../agent/server.js';
import { UserError } from '../../model/errors.js';
import type { SetExit } from './types.js';

interface AgentFlags {
  config?: string;
  listen?: string;
  nodeName?: string;
  tokenFile?: string;
  workDir?: string;
  allowedRoot?: string[];
  allowCommand?: string[];
  runtimes?: string;
  dockerSocket?: string;
  systemctl?: string;
  systemdUnitDir?: string;
  nginxConfDir?: string;
  nginxCertDir?: string;
  nginxWebroot?: string;
  nginxListenAddress?: string;
  nginxTestCommand?: string;
  nginxReloadCommand?: string;
  nginxHttpPort?: string;
  nginxHttpsPort?: string;
  maxBodyBytes?: string;
  controllerUrl?: string;
  pollWaitMs?: string;
  logLevel?: AgentConfig['logLevel'];
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function intFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UserError(`--${name}: expected a whole number, got "${value}"`);
  return Number(value);
}

/** Flags → config layer (undefined = not given). */
export function flagsToConfig(f: AgentFlags): Partial<AgentConfig> {
  return {
    listen: f.listen,
    nodeName: f.nodeName,
    tokenFile: f.tokenFile,
    workDir: f.workDir,
    allowedRoots: f.allowedRoot,
    allowCommands: f.allowCommand,
    runtimes: f.runtimes === undefined ? undefined : parseRuntimes(f.runtimes, '--runtimes'),
    dockerSocket: f.dockerSocket,
    systemctl: f.systemctl ? splitArgv(f.systemctl) : undefined,
    systemdUnitDir: f.systemdUnitDir,
    nginxConfDir: f.nginxConfDir,
    nginxCertDir: f.nginxCertDir,
    nginxWebroot: f.nginxWebroot,
    nginxListenAddress: f.nginxListenAddress,
    nginxTestCommand: f.nginxTestCommand ? splitArgv(f.nginxTestCommand) : undefined,
    nginxReloadCommand: f.nginxReloadCommand ? splitArgv(f.nginxReloadCommand) : undefined,
    nginxHttpPort: intFlag('nginx-http-port', f.nginxHttpPort),
    nginxHttpsPort: intFlag('nginx-https-port', f.nginxHttpsPort),
    maxBodyBytes: intFlag('max-body-bytes', f.maxBodyBytes),
    controllerUrl: f.controllerUrl,
    pollWaitMs: intFlag('poll-wait-ms', f.pollWaitMs),
    logLevel: f.logLevel,
  };
}

export function registerAgent(program: Command, _setExit: SetExit): void {
  program
    .command('agent')
    .description('run the node agent: the node status API (/v1/apply, /v1/status) and typed tasks for the controller')
    .option('--config <file>', 'agent.yaml; flags override its keys')
    .option('--listen <host:port>', 'address of the HTTP API (default 127.0.0.1:8081)')
    .option('--node-name <name>', 'name of this node, as in its Node manifest (default: hostname)')
    .option('--token-file <file>', 'file holding the bearer token (required; only its hash is kept)')
    .option('--work-dir <dir>', 'state, logs and instance dirs (default /var/lib/boreas-agent as root, ~/.boreas-agent otherwise)')
    .option('--allowed-root <dir>', 'directory file tasks may write under and instances may work in (repeatable)', collect)
    .option('--allow-command <path>', 'executable instances, unit Exec lines and exec health checks may run (repeatable; default: any)', collect)
    .option('--runtimes <list>', 'runtimes this node accepts, comma-separated: process,script,container,systemd (default: all)')
    .option('--docker-socket <path>', 'Docker Engine socket (default /var/run/docker.sock)')
    .option('--systemctl <command>', 'systemctl invocation, split on spaces, no shell (default "systemctl"; e.g. "systemctl --user")')
    .option('--systemd-unit-dir <dir>', 'where unit files are written (default /etc/systemd/system)')
    .option('--nginx-conf-dir <dir>', 'where nginx site files are written (default /etc/nginx/conf.d)')
    .option('--nginx-cert-dir <dir>', 'where certificates and keys are written (default /etc/nginx/boreas-certs)')
    .option('--nginx-webroot <dir>', 'root nginx serves ACME http-01 challenges from (default /var/lib/boreas/acme-webroot)')
    .option('--nginx-listen-address <addr>', 'address nginx listens on (default: every address)')
    .option('--nginx-test-command <command>', 'nginx config test, split on spaces (default "nginx -t")')
    .option('--nginx-reload-command <command>', 'nginx reload, split on spaces (default "nginx -s reload")')
    .option('--nginx-http-port <port>', 'port nginx serves http on (default 80)')
    .option('--nginx-https-port <port>', 'port nginx serves https on (default 443)')
    .option('--max-body-bytes <n>', 'largest accepted request body (default 8388608)')
    .option('--controller-url <url>', 'pull mode: poll this controller for tasks; the push API stays available')
    .option('--poll-wait-ms <ms>', 'pull mode: long-poll wait (default 20000)')
    .option('--log-level <level>', 'debug|info|warn|error (default info)')
    .action(async (flags: AgentFlags) => {
      const fileLayer = flags.config ? readAgentConfigFile(flags.config) : {};
      const config = resolveAgentConfig(fileLayer, flagsToConfig(flags));
      const agent = await startAgent({ config });
      process.stdout.write(`boreas agent ${config.nodeName} listening on ${agent.url}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await agent.close();
    });
}
