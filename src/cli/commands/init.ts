// `boreas init` — not implemented yet.
import type { Command } from 'commander';
import { UserError } from '../../model/errors.js';
import type { SetExit } from './index.js';

export function registerInit(program: Command, _setExit: SetExit): void {
  program
    .command('init')
    .description('(init: not implemented yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UserError('init is not implemented yet');
    });
}
