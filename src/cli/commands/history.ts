// `boreas history <app>`: the revisions applied to an application, newest first, with their results.
import type { Command } from 'commander';
import { ExitCode, UserError } from '../../model/errors.js';
import { openSession } from '../../engine/session.js';
import { addOutputOption, addStateOption } from '../options.js';
import { renderHistoryText } from '../../report/index.js';
import type { SetExit } from './index.js';
import { terminalJson } from '../../util/terminal-text.js';

export function registerHistory(program: Command, setExit: SetExit): void {
  const cmd = program.command('history').argument('<app>', 'application name').description('List the revisions applied to an application and their results');
  addStateOption(cmd);
  addOutputOption(cmd);
  cmd.action(async (app: string, flags: { state: string; output: 'text' | 'json' }) => {
    const session = openSession({ state: flags.state, readOnly: true });
    try {
      const records = await session.store.listAppRevisions(app);
      if (records.length === 0) throw new UserError(`no history for application "${app}" in ${flags.state}`, ExitCode.Failure);
      process.stdout.write(flags.output === 'json' ? terminalJson(records, 2) + '\n' : renderHistoryText(records));
      setExit(ExitCode.Ok);
    } finally {
      await session.close();
    }
  });
}
