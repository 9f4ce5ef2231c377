// `boreas reconcile` — not implemented yet.
import type { Command } from 'commander';
import { UserError } from '../../model/errors.js';
import type { SetExit } from './index.js';

export function registerReconcile(program: Command, _setExit: SetExit): void {
  program
    .command('reconcile')
    .description('(reconcile: not implemented yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UserError('reconcile is not implemented yet');
    });
}
