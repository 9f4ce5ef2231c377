// `boreas down` — not implemented yet.
import type { Command } from 'commander';
import { UserError } from '../../model/errors.js';
import type { SetExit } from './index.js';

export function registerDown(program: Command, _setExit: SetExit): void {
  program
    .command('down')
    .description('(down: not implemented yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UserError('down is not implemented yet');
    });
}
