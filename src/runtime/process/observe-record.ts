// Turns an instance record plus a /proc lookup into a RunnerObservation: the cheap per-instance check
// every observe does (no health probe, no network). /proc is scanned for the instance's identity only
// when the record cannot vouch for its process (a start a crash cut short, a process that is gone), so
// an adoptable launch reads as running and strays read as drift the next start removes.
import { join } from 'node:path';
import { instanceDir, stderrLogName, stdoutLogName } from '../paths.js';
import type { RunnerObservation } from '../runner.js';
import { type InstanceRecord, specJson } from '../state/instance-state.js';
import { locateProcesses } from './instance-processes.js';
import { processStartTime } from './proc-stat.js';

/** `pid:<pid>@<start time>`: changes whenever the process is replaced. */
export function processFingerprint(pid: number | undefined, startTime: string | undefined): string {
  return `pid:${pid ?? 0}@${startTime ?? ''}`;
}

/** Observation of a detached process record; `running` may be overridden (script status command). */
export function observeRecord(workDir: string, rec: InstanceRecord | undefined, runningOverride?: boolean): RunnerObservation {
  if (!rec) return { exists: false, running: false };
  const dir = instanceDir(workDir, rec.instance);
  const found = locateProcesses(workDir, rec);
  const pid = found.current?.pid ?? rec.pid;
  const startTime = found.current?.startTime ?? rec.startTime;
  const running = runningOverride ?? found.current !== undefined;
  const details = {
    pid: pid ?? null,
    startedAt: rec.startedAt ?? null,
    stdoutLog: join(dir, stdoutLogName),
    stderrLog: join(dir, stderrLogName),
    runtime: rec.runtime,
    ...(found.adopted ? { adopted: true } : {}),
  };
  const strays = found.strays.length
    ? [`${found.strays.length} stray process(es) of ${rec.instance} left by an interrupted start (pid ${found.strays.map((p) => p.pid).join(', ')})`]
    : [];
  const base = { appliedHash: rec.specHash, appliedSpec: specJson(rec.spec), details, startedAt: rec.startedAt };
  if (rec.desired === 'stopped') {
    const drift = running ? [`${rec.instance} should be stopped but runs (pid ${pid})`] : [];
    return { ...base, exists: true, running, stopped: true, drift, fingerprint: running ? processFingerprint(pid, startTime) : 'stopped' };
  }
  if (running) return { ...base, exists: true, running: true, fingerprint: processFingerprint(pid, startTime), ...(strays.length ? { drift: strays } : {}) };
  if (rec.pending) {
    const why = `the last start of ${rec.instance} did not finish (no process of it runs)`;
    return { ...base, exists: false, running: false, drift: [why, ...strays], fingerprint: `interrupted:${rec.launchId ?? ''}` };
  }
  const reused = rec.pid !== undefined && processStartTime(rec.pid) !== undefined;
  const why = reused ? `process exited (pid ${rec.pid} now belongs to another process)` : `process exited (pid ${rec.pid} not running)`;
  return { ...base, exists: false, running: false, drift: [why, ...strays], fingerprint: `exited:${processFingerprint(rec.pid, rec.startTime)}` };
}
