// `boreas plan` — not implemented yet.
import type { Command } from 'commander';
import { UserError } from '../../model/errors.js';
import type { SetExit } from './index.js';

export function registerPlan(program: Command, _setExit: SetExit): void {
  program
    .command('plan')
    .description('(plan: not implemented yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UserError('plan is not implemented yet');
    });
}
