// `boreas status` — not implemented yet.
import type { Command } from 'commander';
import { UserError } from '../../model/errors.js';
import type { SetExit } from './index.js';

export function registerStatus(program: Command, _setExit: SetExit): void {
  program
    .command('status')
    .description('(status: not implemented yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UserError('status is not implemented yet');
    });
}
