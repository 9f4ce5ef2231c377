// The `boreas` program: the commander tree with the command that is run registered in full and every
// other command listed by its summary only, so a run imports one command's module and its
// dependencies, and `--version`/`--help` import none (start-up time, issue 12).
import { Command } from 'commander';
import { type CommandEntry, commands, type SetExit } from './commands/index.js';
import { versionText } from './version.js';

export interface ProgramOptions {
  /** Register every command in full (tests compare this with the summaries). */
  eager?: boolean;
}

/** Builds the program for `argv`: the command named in it (or in `help <command>`) loaded in full. */
export async function buildProgram(argv: string[], setExit: SetExit, opts: ProgramOptions = {}): Promise<Command> {
  const summaries = new Map<Command, CommandEntry>();
  const program = new Command('boreas')
    .description('Declarative GitOps reconciler for Kubernetes, machines and nginx/TLS')
    .version(versionText(), '-V, --version', 'print the version and the commit it was built from')
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) })
    .showHelpAfterError('(run with --help for usage)');
  const chosen = commandNamed(argv);
  for (const entry of commands) {
    if (opts.eager || entry.name === chosen) (await entry.load())(program, setExit);
    else summaries.set(program.command(entry.name).description(entry.description), entry);
  }
  // A command listed by its summary shows the usage term its module would give it.
  const help = program.createHelp();
  program.configureHelp({ subcommandTerm: (cmd: Command) => summaries.get(cmd)?.term ?? help.subcommandTerm(cmd) });
  return program;
}

/** The command the arguments run: the first one not an option (`help validate` shows validate). */
function commandNamed(argv: string[]): string | undefined {
  const operands = argv.filter((a) => !a.startsWith('-'));
  return operands[0] === 'help' ? operands[1] : operands[0];
}
