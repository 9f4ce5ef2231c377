// Stopping a detached instance: SIGTERM its whole process group (a node server's children too), wait,
// then SIGKILL what is left after the grace period.
import { setTimeout as sleep } from 'node:timers/promises';
import { isSameProcessAlive, readProcStat } from './proc-stat.js';

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    // Only signal the group when the process leads it (started detached by us); otherwise the pid.
    const leads = readProcStat(pid)?.pgid === pid;
    process.kill(leads ? -pid : pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/**
 * Terminates the process `pid` (only if it is still the process started at `startTime`) and its
 * group. Resolves true when something was stopped, false when it was already gone.
 */
export async function terminateProcess(pid: number | undefined, startTime: string | undefined, graceMs = 5000): Promise<boolean> {
  if (!pid || !isSameProcessAlive(pid, startTime)) return false;
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isSameProcessAlive(pid, startTime)) return true;
    await sleep(25);
  }
  signalGroup(pid, 'SIGKILL');
  for (let i = 0; i < 100 && isSameProcessAlive(pid, startTime); i++) await sleep(20);
  return true;
}
