// `boreas rollback` — not implemented yet.
import type { Command } from 'commander';
import { UserError } from '../../model/errors.js';
import type { SetExit } from './index.js';

export function registerRollback(program: Command, _setExit: SetExit): void {
  program
    .command('rollback')
    .description('(rollback: not implemented yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UserError('rollback is not implemented yet');
    });
}
