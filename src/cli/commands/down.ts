// `boreas down`: stops and removes everything the state file says Boreas started on this machine.
import type { Command } from 'commander';
import { ExitCode } from '../../model/errors.js';
import { openSession } from '../../engine/session.js';
import { teardown } from '../../engine/teardown.js';
import { addStateOption } from '../options.js';
import type { SetExit } from './types.js';
import { safeText } from '../../util/terminal-text.js';

export function registerDown(program: Command, setExit: SetExit): void {
  const cmd = program
    .command('down')
    .description('Stop and remove everything Boreas started locally (per the state file)')
    .option('--all', 'also delete from agents and clusters, not only this machine');
  addStateOption(cmd);
  cmd.action(async (flags: { state: string; all?: boolean }) => {
    const session = openSession({ state: flags.state });
    try {
      const { plan, summary } = await teardown(session, { all: !!flags.all });
      if (!summary) {
        process.stdout.write('Nothing to remove.\n');
        return setExit(ExitCode.Ok);
      }
      for (const r of summary.results)
        process.stdout.write(
          `${r.state === 'succeeded' ? '-' : '!'} ${safeText(r.resourceId)}${r.state === 'succeeded' ? '' : `: ${safeText(r.message ?? r.state)}`}\n`,
        );
      process.stdout.write(`Removed ${summary.succeeded} of ${plan.changes.length} resource(s).\n`);
      setExit(summary.failed === 0 ? ExitCode.Ok : ExitCode.Failure);
    } finally {
      await session.close();
    }
  });
}
