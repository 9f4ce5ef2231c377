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

/** The revision is invalid: the diagnostics say where. Nothing is applied. */
export class ValidationFailed extends Error {
  constructor(readonly diagnostics: import('./diagnostic.js').Diagnostic[]) {
    super(`${diagnostics.length} validation error(s)`);
    this.name = 'ValidationFailed';
  }
}

/**
 * A failure retrying cannot fix (a missing secret, a value refused by policy, a bad path): the
 * executor fails the task at once instead of retrying it. UserError counts as one too.
 */
export class PermanentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentError';
  }
}

/** Whether an error is deterministic (retrying gives the same answer). */
export function isPermanent(err: unknown): boolean {
  return err instanceof PermanentError || err instanceof UserError;
}
