// The runners the local target uses on this machine: process and script built in, plus containers
// through the local docker (DOCKER_HOST=unix://… or the default socket) and systemd units through the
// user manager (BOREAS_SYSTEMCTL / BOREAS_SYSTEMD_UNIT_DIR override), so a `local` environment can run
// every machine runtime the agent can.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Runtime } from '../../model/machine-specs.js';
import type { RunnerFactory } from '../../runtime/runners/index.js';
import { ContainerRunner } from '../../runtime/runners/container.js';
import { SystemdRunner } from '../../runtime/runners/systemd.js';

export function localRunnerFactories(env: NodeJS.ProcessEnv = process.env): Partial<Record<Runtime, RunnerFactory>> {
  const dockerHost = env.DOCKER_HOST?.startsWith('unix://') ? env.DOCKER_HOST.slice('unix://'.length) : undefined;
  const systemctl = env.BOREAS_SYSTEMCTL ? env.BOREAS_SYSTEMCTL.split(' ').filter(Boolean) : ['systemctl', '--user'];
  const unitDir = env.BOREAS_SYSTEMD_UNIT_DIR ?? join(homedir(), '.config/systemd/user');
  return {
    container: (ctx) => new ContainerRunner(ctx, dockerHost ? { socketPath: dockerHost } : {}),
    systemd: (ctx) => new SystemdRunner(ctx, { systemctl, unitDir }),
  };
}
