// Typed errors: an expected failure carries its exit code and is printed without a stack trace;
// anything else reaching the CLI is a bug and is printed with one.

/** Exit codes shared by every command (docs/design.md, Commands). */
export const ExitCode = {
  Ok: 0,
  /** validate: invalid; plan: error; reconcile: not converged / failed. */
  Failure: 1,
  /** validate/reconcile: usage or infrastructure error; plan --detailed-exitcode: changes present. */
  UsageOrChanges: 2,
} as const;

/** An error the user can fix (bad flag, missing repo, unknown ref). Printed as one line, no stack. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.UsageOrChanges,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/**
 * An expected failure that is the same on every attempt (bad input at run time, such as a secret
 * that cannot be decrypted or an env value with a NUL byte): the executor does not retry it.
 */
export class DeterministicError extends UserError {
  constructor(message: string, exitCode: number = ExitCode.Failure, hint?: string) {
    super(message, exitCode, hint);
    this.name = 'DeterministicError';
  }
}

/**
 * The machine, not the input, stopped the command: a full disk, a permission, a read-only file
 * system, an unusable state file. Printed as one line naming the file and what to do, exit 2 (plan:
 * 1); never a stack trace. `environmentFault` (faults.ts) turns raw errno and SQLite errors into one.
 */
export class EnvironmentFault extends UserError {
  constructor(message: string) {
    super(message, ExitCode.UsageOrChanges);
    this.name = 'EnvironmentFault';
  }
}

/**
 * The state file exists but is not a usable Boreas state file (empty, truncated, garbage, another
 * program's database). Never treated as a fresh install: that would re-create and orphan everything
 * the lost file knew about. `boreas down` falls back to the per-instance records instead.
 */
export class StateFileUnusable extends EnvironmentFault {
  constructor(
    readonly file: string,
    readonly why: string,
  ) {
    super(`${file}: not a Boreas state file (${why}); move it away or restore a backup`);
    this.name = 'StateFileUnusable';
  }
}

/** The revision is invalid: the diagnostics say where. Nothing is applied. */
export class ValidationFailed extends Error {
  constructor(readonly diagnostics: import('./diagnostic.js').Diagnostic[]) {
    super(`${diagnostics.length} validation error(s)`);
    this.name = 'ValidationFailed';
  }
}

/** Whether an error is deterministic (retrying gives the same answer): every UserError, DeterministicError included. */
export function isPermanent(err: unknown): boolean {
  return err instanceof UserError;
}
