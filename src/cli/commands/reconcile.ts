// `boreas reconcile --once`: one full pass until drift is zero or the timeout; exit 0 only when
// converged. Ctrl-C / SIGTERM stop cleanly: no task starts after the signal, running ones get the
// grace period, the run is recorded as interrupted, the lock is released, exit 130.
import type { Command } from 'commander';
import { reconcile } from '../../engine/reconcile.js';
import { openSession } from '../../engine/session.js';
import { requireLocalSource } from '../../source/index.js';
import { ExitCode, UserError } from '../../model/errors.js';
import { createProgress, renderRunSummaryJson, renderRunSummaryText } from '../../report/index.js';
import { parseDuration } from '../../util/duration.js';
import type { RawFlags } from '../../util/options/index.js';
import { addCommonOptions, sessionFlags, useColor } from '../options.js';
import type { SetExit } from './types.js';
import { terminalJson } from '../../util/terminal-text.js';

interface ReconcileFlags {
  color?: boolean;
  output: 'text' | 'json';
  once?: boolean;
  timeout: string;
  grace: string;
  dryRun?: boolean;
  prune: boolean;
  allowEmpty?: boolean;
  allowMassDelete?: boolean;
  concurrency: string;
}

/** Exit code of a run stopped by SIGINT/SIGTERM (128 + SIGINT, as shells report it). */
export const interruptedExitCode = 130;

export function registerReconcile(program: Command, setExit: SetExit): void {
  const cmd = program
    .command('reconcile')
    .description('Fetch, validate, plan and apply until actual state matches Git (exit 0 only when converged)')
    .option('--once', 'run one reconcile and exit (the long-running form is `boreas daemon`)')
    .option('--timeout <duration>', 'give up after this long, e.g. 90s, 5m', '5m')
    .option('--grace <duration>', 'after Ctrl-C/SIGTERM, how long running tasks may finish before they are aborted', '10s')
    .option('--dry-run', 'plan and print, change nothing')
    .option('--no-prune', 'keep (and report) resources that were removed from Git')
    .option('--allow-empty', 'accept a repository path without manifests (deletes everything Boreas manages)')
    .option('--allow-mass-delete', 'let this run delete more than half of an environment')
    .option('--concurrency <n>', 'tasks run at once', '4');
  addCommonOptions(cmd, { manifests: true, output: ['text', 'json'], ageIdentities: true });
  cmd.action(async (flags: RawFlags & ReconcileFlags) => {
    if (!flags.once) throw new UserError('reconcile runs one pass: add --once (use `boreas daemon` to keep reconciling)');
    const concurrency = Number(flags.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new UserError(`--concurrency must be a positive integer, got "${flags.concurrency}"`);
    const timeoutMs = parseDuration(flags.timeout);
    const graceMs = parseDuration(flags.grace);
    const where = sessionFlags(flags);
    // Before the state is created: a mistyped --repo or --path leaves no <repo>/.boreas/state.db behind.
    await requireLocalSource(where);
    const interrupt = new AbortController();
    const onSignal = () => {
      if (interrupt.signal.aborted) return;
      process.stderr.write(`\nboreas: stopping: no new tasks; running ones get ${flags.grace} to finish\n`);
      interrupt.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const session = openSession({ ...where, readOnly: !!flags.dryRun });
    const progress = flags.output === 'text' ? createProgress(process.stderr, useColor(flags, process.stderr)) : undefined;
    try {
      const summary = await reconcile(session, {
        timeoutMs,
        graceMs,
        signal: interrupt.signal,
        dryRun: !!flags.dryRun,
        prune: flags.prune,
        allowEmpty: flags.allowEmpty,
        allowMassDelete: flags.allowMassDelete,
        concurrency,
        onEvent: progress ? (ev) => progress.event(ev) : undefined,
        onPlan: progress ? (plan, pass) => progress.plan(plan, pass) : undefined,
      });
      progress?.done();
      process.stdout.write(
        flags.output === 'json' ? terminalJson(renderRunSummaryJson(summary)) + '\n' : renderRunSummaryText(summary, { color: useColor(flags) }),
      );
      if (summary.interrupted) setExit(interruptedExitCode);
      else
        setExit(summary.converged || (summary.dryRun && summary.plan.unknown.length === 0 && !summary.plan.blocked?.length) ? ExitCode.Ok : ExitCode.Failure);
    } catch (err) {
      // Interrupted before the first pass finished (while loading or observing): still a clean stop.
      if (interrupt.signal.aborted) {
        progress?.done();
        process.stdout.write('Interrupted: 0 done; run again to continue.\n');
        return setExit(interruptedExitCode);
      }
      throw err;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await session.close();
    }
  });
}
