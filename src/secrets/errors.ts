// Errors of secret handling. Every one is deterministic for a given revision and controller (a missing
// identity, a wrong key, a tampered file, a NUL byte in a value): retrying cannot fix it, so the engine
// fails the task at once instead of retrying, and the message names the file or variable, never the value.
import { DeterministicError, ExitCode } from '../model/errors.js';

/** A secret could not be resolved or used; the message names where it comes from. */
export class SecretError extends DeterministicError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.Failure, hint);
    this.name = 'SecretError';
  }
}
