#!/usr/bin/env node
// Standalone entry of the node agent (`node dist/src/cli/agent-main.js --listen ...`): the same command
// as `boreas agent`, without loading the controller's commands. Machines that only run the agent and
// tests that start agents as separate processes use it.
import { Command, CommanderError } from 'commander';
import { UserError } from '../model/errors.js';
import { registerAgent } from './commands/agent.js';

async function main(argv: string[]): Promise<number> {
  const program = new Command('boreas').exitOverride();
  registerAgent(program, () => undefined);
  try {
    await program.parseAsync(['agent', ...argv], { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof UserError) {
      process.stderr.write(`boreas agent: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}

process.exitCode = await main(process.argv.slice(2));
