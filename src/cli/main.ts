#!/usr/bin/env node
// Entry point of the `boreas` command: builds the program (src/cli/program.ts) and turns typed errors
// into exit codes. Expected failures print one clear message; only bugs print a stack trace.
import { type Command, CommanderError } from 'commander';
import { ExitCode, UserError, ValidationFailed } from '../model/errors.js';
import { environmentFault } from '../model/faults.js';
import { formatDiagnostic } from '../model/diagnostic.js';
import { sessionFlags } from './options.js';
import { buildProgram } from './program.js';
import { safeLines, safeText } from '../util/terminal-text.js';
import { redact } from '../util/redact.js';

export async function main(argv: string[]): Promise<number> {
  let exitCode: number = ExitCode.Ok;
  let program: Command | undefined;
  try {
    program = await buildProgram(argv, (code) => (exitCode = code));
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    return reportError(err, argv[0], program && stateFileOf(program, argv[0]));
  }
}

/** The state of the command that failed (given or defaulted), so a fault of the state file names it. */
function stateFileOf(program: Command, command: string | undefined): string | undefined {
  const cmd = program.commands.find((c) => c.name() === command);
  if (!cmd?.options.some((o) => o.long === '--state')) return undefined;
  try {
    return sessionFlags(cmd.opts()).state;
  } catch {
    return undefined;
  }
}

function reportError(err: unknown, command: string | undefined, stateFile?: string): number {
  if (err instanceof CommanderError) {
    // --help and --version exit through here with code 0. A usage error is 2, except for `plan`,
    // whose 2 means "changes present" (--detailed-exitcode): its errors are 1.
    if (err.exitCode === 0) return ExitCode.Ok;
    return command === 'plan' ? ExitCode.Failure : ExitCode.UsageOrChanges;
  }
  if (err instanceof ValidationFailed) {
    for (const d of err.diagnostics) process.stderr.write(safeText(formatDiagnostic(d)) + '\n');
    const errors = err.diagnostics.filter((d) => d.severity === 'error').length;
    process.stderr.write(`boreas: ${errors} error(s); nothing was changed\n`);
    return ExitCode.Failure;
  }
  // A full disk, a permission, a damaged state file: one line naming the file and what to do.
  const fault = environmentFault(err, { stateFile });
  if (fault) {
    process.stderr.write(redact(`boreas: ${safeLines(fault.message)}`) + '\n');
    return command === 'plan' ? ExitCode.Failure : fault.exitCode;
  }
  if (err instanceof UserError) {
    process.stderr.write(redact(`boreas: ${safeLines(err.message)}`) + '\n');
    if (err.hint) process.stderr.write(redact(`hint: ${safeLines(err.hint)}`) + '\n');
    return err.exitCode;
  }
  process.stderr.write(redact(`boreas: internal error (this is a bug): ${(err as Error)?.stack ?? String(err)}`) + '\n');
  return ExitCode.Failure;
}

// A reader that stops early (`boreas plan | head`) closes the pipe: that ends the output, it is not
// an error worth a stack trace.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });

const code = await main(process.argv.slice(2));
process.exitCode = code;
