// Stopping detached instance processes: SIGTERM each one's whole process group (a node server's
// children too), wait, then SIGKILL what is left after the grace period. A process is signalled only
// while it is still the one that was found (same pid and start time), so a pid the kernel handed to
// someone else in the meantime is never touched.
import { setTimeout as sleep } from 'node:timers/promises';
import { isSameProcessAlive, readProcStat } from './proc-stat.js';

/** A process as found: pid plus /proc start time. */
export interface LiveProcess {
  pid: number;
  startTime: string;
}

function signal(p: LiveProcess, sig: NodeJS.Signals): void {
  const stat = readProcStat(p.pid);
  if (!stat || stat.startTime !== p.startTime) return;
  try {
    // The whole group when the process leads it (started detached by us); otherwise the pid alone.
    process.kill(stat.pgid === p.pid ? -p.pid : p.pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** Terminates every process given (and its group); resolves true when any of them was still running. */
export async function terminateProcesses(procs: LiveProcess[], graceMs = 5000): Promise<boolean> {
  const alive = () => procs.filter((p) => isSameProcessAlive(p.pid, p.startTime));
  let left = alive();
  if (left.length === 0) return false;
  for (const p of left) signal(p, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    left = alive();
    if (left.length === 0) return true;
    await sleep(25);
  }
  for (const p of left) signal(p, 'SIGKILL');
  for (let i = 0; i < 100 && alive().length > 0; i++) await sleep(20);
  return true;
}

/**
 * Terminates the process `pid` (only if it is still the process started at `startTime`) and its
 * group. Resolves true when something was stopped, false when it was already gone.
 */
export async function terminateProcess(pid: number | undefined, startTime: string | undefined, graceMs = 5000): Promise<boolean> {
  if (!pid || !isSameProcessAlive(pid, startTime)) return false;
  const now = readProcStat(pid)?.startTime;
  return now === undefined ? false : terminateProcesses([{ pid, startTime: now }], graceMs);
}
