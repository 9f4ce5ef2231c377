// Starts an instance process that outlives whoever started it: its own process group (so the CLI's
// Ctrl-C or exit does not reach it), stdio to log files (no pipes back to a parent that will exit),
// never a shell.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, renameSync, statSync, readFileSync } from 'node:fs';
import { makeDirs } from '../../util/make-dirs.js';
import { join } from 'node:path';
import { processStartTime } from './proc-stat.js';
import { stderrLogName, stdoutLogName } from '../paths.js';

export interface DetachedStart {
  argv: [string, ...string[]];
  cwd: string;
  env: Record<string, string>;
  /** Directory for stdout.log / stderr.log. */
  logDir: string;
  /** Logs over this size at start are moved to `.1` (the previous `.1` is replaced). Default 10 MiB. */
  rotateBytes?: number;
}

export interface StartedProcess {
  pid: number;
  startTime: string;
  child: ChildProcess;
  logs: { stdout: string; stderr: string };
}

function rotate(path: string, limit: number): void {
  try {
    if (statSync(path).size > limit) renameSync(path, `${path}.1`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** Spawns detached, resolves once the OS has started it (rejects on ENOENT/EACCES). */
export async function spawnDetached(opts: DetachedStart): Promise<StartedProcess> {
  // makeDirs, not mkdirSync's recursive mode: that spins forever on a cwd under /proc or /sys.
  makeDirs(opts.logDir);
  makeDirs(opts.cwd);
  const limit = opts.rotateBytes ?? 10 * 1024 * 1024;
  const logs = { stdout: join(opts.logDir, stdoutLogName), stderr: join(opts.logDir, stderrLogName) };
  rotate(logs.stdout, limit);
  rotate(logs.stderr, limit);
  const out = openSync(logs.stdout, 'a', 0o640);
  const err = openSync(logs.stderr, 'a', 0o640);
  try {
    const [file, ...args] = opts.argv;
    const child = spawn(file, args, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['ignore', out, err], shell: false });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (e) => reject(new Error(`cannot start ${file}: ${(e as NodeJS.ErrnoException).code ?? e.message}`)));
    });
    child.unref();
    const pid = child.pid!;
    const startTime = processStartTime(pid) ?? '';
    return { pid, startTime, child, logs };
  } finally {
    closeSync(out);
    closeSync(err);
  }
}

/**
 * Waits up to `ms` for an early exit. Resolves the exit code (or signal name) when the process
 * ended in that window, undefined when it is still running.
 */
export function earlyExit(child: ChildProcess, ms: number): Promise<number | string | undefined> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  if (child.signalCode !== null) return Promise.resolve(child.signalCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.removeListener('exit', onExit);
      resolve(undefined);
    }, ms);
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      resolve(code ?? signal ?? 'unknown');
    };
    child.once('exit', onExit);
  });
}

/**
 * Last lines of a log file, for error messages when an instance dies right after start. When the
 * error line itself scrolled out of the tail (Node prints the error object after it), it is kept.
 */
export function tailFile(path: string, lines = 5, maxBytes = 8192): string {
  try {
    const all = readFileSync(path, 'utf8').slice(-maxBytes).trimEnd().split('\n');
    const tail = all.slice(-lines);
    const errorLine = all
      .slice(0, -lines)
      .reverse()
      .find((l) => /\b\w*Error\b[:\s]/.test(l));
    return errorLine ? [errorLine.trim(), '...', ...tail.slice(-3)].join('\n') : tail.join('\n');
  } catch {
    return '';
  }
}
