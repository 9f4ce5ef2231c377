// Runs a short command (script stop/status, exec health probe) with an argument array and a timeout;
// the whole process group is killed on timeout so a hung probe leaves nothing behind.
import { spawn } from 'node:child_process';

export interface CommandResult {
  /** Exit code, or undefined when it was killed (timeout) or could not start. */
  code?: number;
  timedOut: boolean;
  /** Last output (stdout + stderr, at most 2 KiB), for messages. */
  output: string;
  error?: string;
}

export function runCommand(argv: string[], opts: { cwd?: string; env?: Record<string, string>; timeoutMs: number }): Promise<CommandResult> {
  return new Promise((resolve) => {
    let output = '';
    let timedOut = false;
    const child = spawn(argv[0], argv.slice(1), { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    const keep = (b: Buffer) => {
      output = (output + b.toString()).slice(-2048);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, opts.timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve({ timedOut, output, error: `cannot run ${argv[0]}: ${(err as NodeJS.ErrnoException).code ?? err.message}` });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? undefined, timedOut, output: output.trim() });
    });
  });
}
