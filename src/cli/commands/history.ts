// `boreas history` — not implemented yet.
import type { Command } from 'commander';
import { UserError } from '../../model/errors.js';
import type { SetExit } from './index.js';

export function registerHistory(program: Command, _setExit: SetExit): void {
  program
    .command('history')
    .description('(history: not implemented yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UserError('history is not implemented yet');
    });
}
