// `boreas validate` — not implemented yet.
import type { Command } from 'commander';
import { UserError } from '../../model/errors.js';
import type { SetExit } from './index.js';

export function registerValidate(program: Command, _setExit: SetExit): void {
  program
    .command('validate')
    .description('(validate: not implemented yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UserError('validate is not implemented yet');
    });
}
