// `boreas status [app]`: applications, their revision (commit subject and author), sync state,
// health (0–100 per app/version/node), drift and instances, from the state file plus a live look at
// the targets. `--output json` is the shape of GET /api/v1/applications; `--output v1-json` the v1
// status shape of GET /v1/status. Exit 0, or 1 when the named application is not in the state file.
import type { Command } from 'commander';
import { ExitCode, UserError } from '../../model/errors.js';
import { openSession } from '../../engine/session.js';
import { collectStatus } from '../../engine/status.js';
import type { RawFlags } from '../../util/options/index.js';
import { addCommonOptions, sessionFlags } from '../options.js';
import { renderStatusText, statusJson, toV1Status } from '../../report/index.js';
import type { SetExit } from './types.js';
import { terminalJson } from '../../util/terminal-text.js';

type StatusOutput = 'text' | 'json' | 'v1-json';

export function registerStatus(program: Command, setExit: SetExit): void {
  const cmd = program
    .command('status')
    .argument('[app]', 'one application')
    .description('Show applications: revision, sync state, health, drift and instances')
    .addHelpText(
      'after',
      '\nOutput: text; json (per app: environment, revision with commit subject and author, sync state, health, drift, instances);\nv1-json (the v1 status API shape: health level 0-100 per app, version and node).\nExit codes: 0; 1 when the named application is not in the state file.',
    );
  addCommonOptions(cmd, { manifests: false, output: ['text', 'json', 'v1-json'] });
  cmd.action(async (app: string | undefined, flags: RawFlags & { output: StatusOutput }) => {
    const { state } = sessionFlags(flags);
    const session = openSession({ state, readOnly: true });
    try {
      const status = await collectStatus(session, { app });
      if (app && status.length === 0) throw new UserError(`application "${app}" is not in the state file ${state}`, ExitCode.Failure);
      if (flags.output === 'v1-json') {
        const v1 = status.map(toV1Status);
        process.stdout.write(terminalJson(app ? v1[0] : v1, 2) + '\n');
      } else if (flags.output === 'json') {
        const list = status.map(statusJson);
        process.stdout.write(terminalJson(app ? list[0] : { applications: list }, 2) + '\n');
      } else process.stdout.write(renderStatusText(status));
      setExit(ExitCode.Ok);
    } finally {
      await session.close();
    }
  });
}
