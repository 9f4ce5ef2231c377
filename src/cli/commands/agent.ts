// `boreas agent` — not implemented yet.
import type { Command } from 'commander';
import { UserError } from '../../model/errors.js';
import type { SetExit } from './index.js';

export function registerAgent(program: Command, _setExit: SetExit): void {
  program
    .command('agent')
    .description('(agent: not implemented yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UserError('agent is not implemented yet');
    });
}
