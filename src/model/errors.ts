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
