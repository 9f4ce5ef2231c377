// Starts one node agent: opens its state, builds its runners, serves the HTTP API. Used by
// `boreas agent` and, in-process, by tests and the benchmark (several agents per process).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { UserError } from '../model/errors.js';
import { ContainerRunner } from '../runtime/runners/container.js';
import { RunnerSet } from '../runtime/runners/index.js';
import { SystemdRunner } from '../runtime/runners/systemd.js';
import { createLogger, type Logger } from '../util/logger.js';
import { makeDirs } from '../util/make-dirs.js';
import { httpServerTimeouts } from '../util/request-url.js';
import { parseListen, type AgentConfig } from './config.js';
import type { AgentContext, RunnerLookup } from './context.js';
import { createAgentHandler } from './http/router.js';
import { AgentState } from './state/agent-state.js';
import { InstanceSupervision } from './supervision.js';
import { startPullLoop } from './pull/loop.js';
import { restrictRunners } from './policy.js';
import { readTokenHash, type TokenHash } from '../protocol/bearer-token.js';

export interface StartAgentOptions {
  config: AgentConfig;
  /** Token hash; default: read from config.tokenFile (required then). */
  tokenHash?: TokenHash;
  /** Runners; default: the machine's RunnerSet with container (config.dockerSocket) and systemd (config.systemctl). */
  runners?: RunnerLookup;
  log?: Logger;
  /** ':memory:' keeps the agent's state in memory (benchmark only: a restart forgets). */
  stateLocation?: string;
  /** Pull mode token when not read from config.tokenFile (tests). */
  pullToken?: string;
  /** Supervisor timing (tests): check interval and first restart delay, default 1000 ms each. */
  supervision?: { intervalMs?: number; minBackoffMs?: number };
}

export interface RunningAgent {
  url: string;
  port: number;
  ctx: AgentContext;
  server: Server;
  close(): Promise<void>;
}

/** The default runners of a node: process and script from the registry, container and systemd configured by flags. */
export function defaultRunners(config: AgentConfig): RunnerSet {
  return new RunnerSet(
    { workDir: config.workDir, baseDir: config.workDir },
    {
      container: (ctx) => new ContainerRunner(ctx, { socketPath: config.dockerSocket }),
      systemd: (ctx) => new SystemdRunner(ctx, { systemctl: config.systemctl, unitDir: config.systemdUnitDir }),
    },
  );
}

export async function startAgent(opts: StartAgentOptions): Promise<RunningAgent> {
  const config = opts.config;
  let tokenHash = opts.tokenHash;
  if (!tokenHash) {
    if (!config.tokenFile) throw new UserError('the agent needs a token: pass --token-file <file> (or tokenFile in agent.yaml)');
    tokenHash = readTokenHash(config.tokenFile);
  }
  // Pull mode presents the token to the controller, so only then is the token itself kept (in memory).
  const pullToken = config.controllerUrl ? (opts.pullToken ?? (config.tokenFile ? readFileSync(config.tokenFile, 'utf8').trim() : undefined)) : undefined;
  if (config.controllerUrl && !pullToken)
    throw new UserError('pull mode (--controller-url) needs --token-file: the agent authenticates to the controller with it');
  const log = opts.log ?? createLogger({ level: config.logLevel, format: 'json', fields: { node: config.nodeName } });
  if (opts.stateLocation !== ':memory:') makeDirs(config.workDir, 0o700);
  const state = new AgentState(opts.stateLocation === ':memory:' ? ':memory:' : config.workDir);
  const supervision = new InstanceSupervision(log, opts.supervision);
  const runners = restrictRunners(opts.runners ?? defaultRunners(config), config);
  const ctx: AgentContext = { config, state, runners, log, supervision, startedAt: new Date(), baseDir: config.workDir };
  let ready = false;
  // A task may run for minutes after its request arrived (requestTimeout only bounds receiving it).
  const server = createServer({ keepAliveTimeout: 65_000, ...httpServerTimeouts }, createAgentHandler(ctx, { tokenHash, ready: () => ready }));
  const { host, port } = parseListen(config.listen);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new UserError(`cannot listen on ${config.listen}: ${err.code ?? err.message}`)));
    server.listen(port, host, () => resolve());
  });
  const pull = config.controllerUrl ? startPullLoop(ctx, { controllerUrl: config.controllerUrl, token: pullToken!, waitMs: config.pollWaitMs }) : undefined;
  ready = true;
  const actual = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${actual}`;
  log.info('agent listening', { url });
  return {
    url,
    port: actual,
    ctx,
    server,
    close: async () => {
      ready = false;
      await pull?.stop();
      supervision.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      state.close();
    },
  };
}
