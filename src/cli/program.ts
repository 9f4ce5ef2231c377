// The `boreas` program: every command registered, nothing run. main.ts parses argv with it; tests
// read its registered options (README's command table is checked against them).
import { Command } from 'commander';
import { commands, type SetExit } from './commands/index.js';
import { versionText } from './version.js';

export function buildProgram(setExit: SetExit): Command {
  const program = new Command('boreas')
    .description('Declarative GitOps reconciler for Kubernetes, machines and nginx/TLS')
    .version(versionText(), '-V, --version', 'print the version and the commit it was built from')
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) })
    .showHelpAfterError('(run with --help for usage)');
  for (const register of commands) register(program, setExit);
  return program;
}
