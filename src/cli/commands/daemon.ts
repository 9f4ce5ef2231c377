// `boreas daemon` — not implemented yet.
import type { Command } from 'commander';
import { UserError } from '../../model/errors.js';
import type { SetExit } from './index.js';

export function registerDaemon(program: Command, _setExit: SetExit): void {
  program
    .command('daemon')
    .description('(daemon: not implemented yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UserError('daemon is not implemented yet');
    });
}
