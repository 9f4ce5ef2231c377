// `boreas history <app>`: the runs that touched an application, newest first: the commit each applied
// (subject, author), the result and whether anything changed. Exit 1 when the app has no history.
import type { Command } from 'commander';
import { ExitCode, UserError } from '../../model/errors.js';
import { appHistory } from '../../engine/history.js';
import { openSession } from '../../engine/session.js';
import type { RawFlags } from '../../util/options/index.js';
import { addCommonOptions, sessionFlags } from '../options.js';
import { renderHistoryText } from '../../report/index.js';
import type { SetExit } from './types.js';
import { terminalJson } from '../../util/terminal-text.js';

export function registerHistory(program: Command, setExit: SetExit): void {
  const cmd = program
    .command('history')
    .argument('<app>', 'application name')
    .description('List the runs that applied an application: commit subject and author, result, whether anything changed');
  addCommonOptions(cmd, { manifests: false, output: ['text', 'json'] });
  cmd.action(async (app: string, flags: RawFlags & { output: 'text' | 'json' }) => {
    const { state } = sessionFlags(flags);
    const session = openSession({ state, readOnly: true });
    try {
      const records = await appHistory(session.store, app);
      if (records.length === 0) throw new UserError(`no history for application "${app}" in ${state}`, ExitCode.Failure);
      process.stdout.write(flags.output === 'json' ? terminalJson(records, 2) + '\n' : renderHistoryText(records));
      setExit(ExitCode.Ok);
    } finally {
      await session.close();
    }
  });
}
