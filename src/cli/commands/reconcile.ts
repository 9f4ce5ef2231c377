// `boreas reconcile --once`: one full pass until drift is zero or the timeout; exit 0 only when
// converged.
import type { Command } from 'commander';
import { ExitCode, UserError } from '../../model/errors.js';
import { openSession } from '../../engine/session.js';
import { reconcile } from '../../engine/reconcile.js';
import { parseDuration } from '../../util/duration.js';
import { addAgeIdentityOption, addOutputOption, addSourceOptions, addStateOption } from '../options.js';
import { createProgress, renderRunSummaryJson, renderRunSummaryText } from '../../report/index.js';
import type { SetExit } from './index.js';

interface ReconcileFlags {
  repo: string;
  ref?: string;
  path?: string;
  state: string;
  output: 'text' | 'json';
  once?: boolean;
  timeout: string;
  dryRun?: boolean;
  prune: boolean;
  concurrency: string;
  ageIdentityFile: string[];
}

export function registerReconcile(program: Command, setExit: SetExit): void {
  const cmd = program
    .command('reconcile')
    .description('Fetch, validate, plan and apply until actual state matches Git (exit 0 only when converged)')
    .option('--once', 'run one reconcile and exit (the long-running form is `boreas daemon`)')
    .option('--timeout <duration>', 'give up after this long, e.g. 90s, 5m', '5m')
    .option('--dry-run', 'plan and print, change nothing')
    .option('--no-prune', 'keep (and report) resources that were removed from Git')
    .option('--concurrency <n>', 'tasks run at once', '4');
  addSourceOptions(cmd);
  addStateOption(cmd);
  addOutputOption(cmd);
  addAgeIdentityOption(cmd);
  cmd.action(async (flags: ReconcileFlags) => {
    if (!flags.once) throw new UserError('reconcile runs one pass: add --once (use `boreas daemon` to keep reconciling)');
    const concurrency = Number(flags.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new UserError(`--concurrency must be a positive integer, got "${flags.concurrency}"`);
    const timeoutMs = parseDuration(flags.timeout);
    const session = openSession({ repo: flags.repo, ref: flags.ref, path: flags.path, state: flags.state, ageIdentityFiles: flags.ageIdentityFile });
    const progress = flags.output === 'text' ? createProgress(process.stderr, !!process.stderr.isTTY && !process.env.NO_COLOR) : undefined;
    try {
      const summary = await reconcile(session, {
        timeoutMs,
        dryRun: !!flags.dryRun,
        prune: flags.prune,
        concurrency,
        onEvent: progress ? (ev) => progress.event(ev) : undefined,
        onPlan: progress ? (plan, pass) => progress.plan(plan, pass) : undefined,
      });
      progress?.done();
      process.stdout.write(flags.output === 'json' ? JSON.stringify(renderRunSummaryJson(summary)) + '\n' : renderRunSummaryText(summary));
      setExit(summary.converged ? ExitCode.Ok : ExitCode.Failure);
    } finally {
      await session.close();
    }
  });
}
