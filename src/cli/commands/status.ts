// `boreas status [app]`: applications, instances, health (0–100 per app/version/node), drift and the
// last applied revision, from the state file plus a live look at the targets. Reads only: a missing
// state file reads as empty and is not created.
import type { Command } from 'commander';
import { ExitCode, UserError } from '../../model/errors.js';
import { openSession } from '../../engine/session.js';
import { collectStatus } from '../../engine/status.js';
import type { RawFlags } from '../../util/options/index.js';
import { addCommonOptions, sessionFlags } from '../options.js';
import { renderStatusText, toV1Status } from '../../report/index.js';
import type { SetExit } from './types.js';
import { terminalJson } from '../../util/terminal-text.js';

export function registerStatus(program: Command, setExit: SetExit): void {
  const cmd = program.command('status').argument('[app]', 'one application').description('Show applications, instances, health, drift and the last revision');
  addCommonOptions(cmd, { manifests: false, output: ['text', 'json'] });
  cmd.action(async (app: string | undefined, flags: RawFlags & { output: 'text' | 'json' }) => {
    const { state } = sessionFlags(flags);
    const session = openSession({ state, readOnly: true });
    try {
      const status = await collectStatus(session, app);
      if (app && status.length === 0) throw new UserError(`application "${app}" is not in the state file ${state}`, ExitCode.Failure);
      if (flags.output === 'json') {
        const v1 = status.map(toV1Status);
        process.stdout.write(terminalJson(app ? v1[0] : v1, 2) + '\n');
      } else process.stdout.write(renderStatusText(status));
      setExit(ExitCode.Ok);
    } finally {
      await session.close();
    }
  });
}
