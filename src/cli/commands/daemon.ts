// `boreas daemon`: the long-lived controller (docs/design.md, Daemon). Flags override `boreas.yaml`; SIGTERM or
// SIGINT stops it gracefully (exit 0).
import type { Command } from 'commander';
import { ExitCode } from '../../model/errors.js';
import { resolveDaemonConfig, startDaemon, type DaemonFlags } from '../../daemon/index.js';
import { daemonOptions } from '../../daemon/options.js';
import { addTableFlags } from '../option-flags.js';
import type { SetExit } from './types.js';

export function registerDaemon(program: Command, setExit: SetExit): void {
  const cmd = program
    .command('daemon')
    .description('Run the long-lived controller: poll Git, take webhooks, self-heal drift, serve the API, metrics and dashboard')
    .option('--config <file>', 'boreas.yaml, whose keys are the flags in camelCase (docs/options.md); flags override it (default: ./boreas.yaml when present)');
  // Every other flag, its boreas.yaml key and default are declared once in src/daemon/options.ts.
  addTableFlags(cmd, daemonOptions);
  cmd.action(async (flags: DaemonFlags) => {
    const cfg = resolveDaemonConfig(flags);
    const daemon = await startDaemon(cfg);
    await new Promise<void>((resolve) => {
      const onSignal = (signal: NodeJS.Signals) => {
        daemon.ctx.base.log.info('signal received', { signal });
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
        resolve();
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
    });
    await daemon.stop();
    setExit(ExitCode.Ok);
    // Anything still holding the event loop (a cut-short reconcile, keep-alive sockets) must not
    // keep a stopped daemon alive.
    setTimeout(() => process.exit(ExitCode.Ok), 1000).unref();
  });
}
