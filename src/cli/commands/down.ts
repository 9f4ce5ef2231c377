// `boreas down`: stops and removes everything the state file says Boreas started on this machine.
// Without a state file there is nothing to remove, and none is created.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { ExitCode } from '../../model/errors.js';
import { openSession } from '../../engine/session.js';
import { isStateFile } from '../../engine/session-options.js';
import { teardown } from '../../engine/teardown.js';
import type { RawFlags } from '../../util/options/index.js';
import { addCommonOptions, sessionFlags } from '../options.js';
import type { SetExit } from './index.js';
import { safeText, terminalJson } from '../../util/terminal-text.js';

interface DownResult {
  resourceId: string;
  state: string;
  message?: string;
}

export function registerDown(program: Command, setExit: SetExit): void {
  const cmd = program
    .command('down')
    .description('Stop and remove everything Boreas started locally (per the state file)')
    .option('--all', 'also delete from agents and clusters, not only this machine');
  addCommonOptions(cmd, { manifests: false, output: ['text', 'json'] });
  cmd.action(async (flags: RawFlags & { all?: boolean; output: 'text' | 'json' }) => {
    const { state } = sessionFlags(flags);
    const print = (results: DownResult[], total: number, counts = { succeeded: 0, failed: 0 }) => {
      const removed = results.filter((r) => r.state === 'succeeded');
      if (flags.output === 'json') {
        const failed = results.filter((r) => r.state !== 'succeeded').map((r) => ({ resource: r.resourceId, message: r.message ?? r.state }));
        process.stdout.write(terminalJson({ removed: removed.map((r) => r.resourceId), failed, total }, 2) + '\n');
      } else if (total === 0) process.stdout.write('Nothing to remove.\n');
      else {
        for (const r of results)
          process.stdout.write(
            `${r.state === 'succeeded' ? '-' : '!'} ${safeText(r.resourceId)}${r.state === 'succeeded' ? '' : `: ${safeText(r.message ?? r.state)}`}\n`,
          );
        process.stdout.write(`Removed ${counts.succeeded} of ${total} resource(s).\n`);
      }
      setExit(counts.failed === 0 ? ExitCode.Ok : ExitCode.Failure);
    };
    if (isStateFile(state) && !existsSync(state)) return print([], 0);
    const session = openSession({ state });
    try {
      const { plan, summary } = await teardown(session, { all: !!flags.all });
      print(summary?.results ?? [], summary ? plan.changes.length : 0, summary);
    } finally {
      await session.close();
    }
  });
}
