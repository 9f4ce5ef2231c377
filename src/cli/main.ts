#!/usr/bin/env node
// Entry point of the `boreas` command: builds the program (src/cli/program.ts) and turns typed errors
// into exit codes. Expected failures print one clear message; only bugs print a stack trace.
import { CommanderError } from 'commander';
import { ExitCode, UserError, ValidationFailed } from '../model/errors.js';
import { formatDiagnostic } from '../model/diagnostic.js';
import { buildProgram } from './program.js';
import { safeLines, safeText } from '../util/terminal-text.js';
import { redact } from '../util/redact.js';

export async function main(argv: string[]): Promise<number> {
  let exitCode: number = ExitCode.Ok;
  try {
    const program = await buildProgram(argv, (code) => (exitCode = code));
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    return reportError(err, argv[0]);
  }
}

function reportError(err: unknown, command: string | undefined): number {
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
  if (err instanceof UserError) {
    process.stderr.write(redact(`boreas: ${safeLines(err.message)}`) + '\n');
    if (err.hint) process.stderr.write(redact(`hint: ${safeLines(err.hint)}`) + '\n');
    return err.exitCode;
  }
  process.stderr.write(redact(`boreas: internal error (this is a bug): ${(err as Error)?.stack ?? String(err)}`) + '\n');
  return ExitCode.Failure;
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
