// `boreas daemon`: the long-lived controller (docs/design.md, Daemon). Flags override `boreas.yaml`; SIGTERM or
// SIGINT stops it gracefully (exit 0).
import type { Command } from 'commander';
import { ExitCode } from '../../model/errors.js';
import { resolveDaemonConfig, startDaemon, type DaemonFlags } from '../../daemon/index.js';
import type { SetExit } from './index.js';

export function registerDaemon(program: Command, setExit: SetExit): void {
  program
    .command('daemon')
    .description('Run the long-lived controller: poll Git, take webhooks, self-heal drift, serve the API, metrics and dashboard')
    // No commander defaults here: an unset flag must fall through to boreas.yaml, then to the default.
    .option('--config <file>', 'config file (default: ./boreas.yaml when present)')
    .option('--repo <path|url>', 'manifests repository: a local directory or an http(s) Git URL (default .)')
    .option('--ref <ref>', 'branch, tag or commit to follow (webhooks for other branches are ignored)')
    .option('--path <subdir>', 'subdirectory of the repository holding the manifests')
    .option('--state <file|url>', 'SQLite state file (default .boreas/state.db), or postgresql://user@host:port/db shared by several replicas')
    .option('--replica-id <id>', 'this replica among daemons sharing a PostgreSQL state (default: the host name)')
    .option('--heartbeat <duration>', 'replica heartbeat and lease renewal interval, PostgreSQL state (default 2s)')
    .option('--lease-ttl <duration>', 'how long an environment lease lasts without renewal (default 10s)')
    .option('--listen <host:port>', 'HTTP address of the API, metrics and dashboard (default 127.0.0.1:8080)')
    .option('--interval <duration>', 'how often to poll Git for a new revision (default 1m)')
    .option('--resync <duration>', 'how often to re-observe and correct drift without a new commit (default 5m)')
    .option('--watch', 'watch a local repository directory and reconcile on changes')
    .option('--webhook-secret-file <file>', 'file holding the webhook HMAC secret (GitHub/Gitea) or token (GitLab)')
    .option('--api-token-file <file>', 'file holding the API bearer token (default: generated once into api.token beside the state file, mode 0600)')
    .option('--api-read-public', 'serve API reads, /metrics and the dashboard without the token even on a non-loopback address')
    .option('--allowed-hosts <list>', 'comma-separated Host names (host or host:port) the API answers to besides the listen address')
    .option('--log-format <format>', 'json or text (default json)')
    .option('--log-level <level>', 'debug, info, warn or error (default info)')
    .option('--timeout <duration>', 'give up on one reconcile after this long (default 5m)')
    .option('--concurrency <n>', 'tasks run at once (default 4)')
    .option('--no-prune', 'keep (and report) resources that were removed from Git')
    .option(
      '--age-identity-file <file>',
      'age identity file decrypting age/SOPS values in the repo; repeatable (default: ageIdentityFile, then $BOREAS_AGE_IDENTITY_FILE)',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .action(async (flags: DaemonFlags) => {
      // commander sets prune=true when --no-prune is absent; only an explicit --no-prune overrides the file.
      const cfg = resolveDaemonConfig({ ...flags, prune: flags.prune === false ? false : undefined });
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
