// `boreas history <app>`: the revisions applied to an application, newest first, with their results.
import type { Command } from 'commander';
import { ExitCode, UserError } from '../../model/errors.js';
import { openSession } from '../../engine/session.js';
import type { RawFlags } from '../../util/options/index.js';
import { addCommonOptions, sessionFlags } from '../options.js';
import { renderHistoryText } from '../../report/index.js';
import type { SetExit } from './types.js';
import { terminalJson } from '../../util/terminal-text.js';

export function registerHistory(program: Command, setExit: SetExit): void {
  const cmd = program.command('history').argument('<app>', 'application name').description('List the revisions applied to an application and their results');
  addCommonOptions(cmd, { manifests: false, output: ['text', 'json'] });
  cmd.action(async (app: string, flags: RawFlags & { output: 'text' | 'json' }) => {
    const { state } = sessionFlags(flags);
    const session = openSession({ state, readOnly: true });
    try {
      const records = session.store.listAppRevisions(app);
      if (records.length === 0) throw new UserError(`no history for application "${app}" in ${state}`, ExitCode.Failure);
      process.stdout.write(flags.output === 'json' ? terminalJson(records, 2) + '\n' : renderHistoryText(records));
      setExit(ExitCode.Ok);
    } finally {
      await session.close();
    }
  });
}
