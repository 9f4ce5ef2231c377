// Runs nginx's test/reload commands as argv (never through a shell) and keeps their output, because
// the error text of `nginx -t` is what the user needs to see when a site is refused.
import { spawn } from 'node:child_process';

export interface CommandResult {
  code: number | null;
  output: string;
}

/** Runs argv with a timeout; resolves with the exit code and combined stdout+stderr. */
export function runCommand(argv: string[], timeoutMs = 30_000): Promise<CommandResult> {
  if (argv.length === 0) return Promise.reject(new Error('empty command'));
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${argv[0]}: ${err.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output: Buffer.concat(chunks).toString('utf8').slice(-8000) });
    });
  });
}

/** A failed nginx command; `output` carries nginx's own text (`[emerg] ...`). */
export class NginxCommandError extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
    this.name = 'NginxCommandError';
  }
}
