// Which Runner handles which runtime on a machine: the four built-in runtimes with machine defaults.
// A RunnerSet takes per-machine overrides (agent flags such as --docker-socket, tests), so there is
// no module-level state to register into.
import { UserError } from '../../model/errors.js';
import type { Runtime } from '../../model/machine-specs.js';
import type { Runner, RunnerContext } from '../runner.js';
import { ProcessRunner } from './process.js';
import { ScriptRunner } from './script.js';
import { ContainerRunner } from './container.js';
import { SystemdRunner } from './systemd.js';

/** Creates the runner of one runtime for one machine work dir. */
export type RunnerFactory = (ctx: RunnerContext) => Runner;

const builtins = new Map<Runtime, RunnerFactory>([
  ['process', (ctx) => new ProcessRunner(ctx)],
  ['script', (ctx) => new ScriptRunner(ctx)],
  // Machine defaults; `boreas agent` overrides both from --docker-socket / --systemctl / --systemd-unit-dir.
  ['container', (ctx) => new ContainerRunner(ctx, { socketPath: process.env.BOREAS_DOCKER_SOCKET ?? '/var/run/docker.sock' })],
  ['systemd', (ctx) => new SystemdRunner(ctx, { systemctl: ['systemctl'], unitDir: '/etc/systemd/system' })],
]);

/**
 * The runners of one machine, created lazily per runtime. `overrides` replaces factories for this set
 * only (tests, agent flags such as --docker-socket or --systemctl).
 */
export class RunnerSet {
  private readonly runners = new Map<Runtime, Runner>();

  constructor(
    private readonly ctx: RunnerContext,
    private readonly overrides: Partial<Record<Runtime, RunnerFactory>> = {},
  ) {}

  get(runtime: Runtime): Runner {
    let r = this.runners.get(runtime);
    if (!r) {
      const factory = this.overrides[runtime] ?? builtins.get(runtime);
      if (!factory) throw new UserError(`runtime "${runtime}" is not supported on this machine (available: ${this.runtimes().join(', ')})`);
      r = factory(this.ctx);
      this.runners.set(runtime, r);
    }
    return r;
  }

  /** Runtimes available here (built in plus overrides). */
  runtimes(): Runtime[] {
    return [...new Set([...builtins.keys(), ...(Object.keys(this.overrides) as Runtime[])])];
  }

  /** Every runner that can be created here; a runtime whose runner fails to start (no docker) is skipped. */
  all(): Runner[] {
    const out: Runner[] = [];
    for (const rt of this.runtimes()) {
      try {
        out.push(this.get(rt));
      } catch {
        /* runtime unavailable on this machine */
      }
    }
    return out;
  }
}

export { ProcessRunner } from './process.js';
export { ScriptRunner } from './script.js';
