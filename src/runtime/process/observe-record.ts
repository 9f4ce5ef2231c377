// Turns an instance record plus one /proc lookup into a RunnerObservation: the cheap per-instance
// check every observe does (no health probe, no network).
import { join } from 'node:path';
import type { RunnerObservation } from '../runner.js';
import type { InstanceRecord } from '../state/instance-state.js';
import { instanceDir, stderrLogName, stdoutLogName } from '../paths.js';
import { isSameProcessAlive, processStartTime } from './proc-stat.js';

/** `pid:<pid>@<start time>`: changes whenever the process is replaced. */
export function processFingerprint(pid: number | undefined, startTime: string | undefined): string {
  return `pid:${pid ?? 0}@${startTime ?? ''}`;
}

/** Observation of a detached process record; `running` may be overridden (script status command). */
export function observeRecord(workDir: string, rec: InstanceRecord | undefined, runningOverride?: boolean): RunnerObservation {
  if (!rec) return { exists: false, running: false };
  const dir = instanceDir(workDir, rec.instance);
  const alive = isSameProcessAlive(rec.pid, rec.startTime);
  const running = runningOverride ?? alive;
  const details = {
    pid: rec.pid ?? null,
    startedAt: rec.startedAt ?? null,
    stdoutLog: join(dir, stdoutLogName),
    stderrLog: join(dir, stderrLogName),
    runtime: rec.runtime,
  };
  const base = { appliedHash: rec.specHash, appliedSpec: rec.spec, details, startedAt: rec.startedAt };
  if (rec.desired === 'stopped') {
    const drift = running ? [`${rec.instance} should be stopped but runs (pid ${rec.pid})`] : [];
    return { ...base, exists: true, running, stopped: true, drift, fingerprint: running ? processFingerprint(rec.pid, rec.startTime) : 'stopped' };
  }
  if (running) return { ...base, exists: true, running: true, fingerprint: processFingerprint(rec.pid, rec.startTime) };
  const reused = rec.pid !== undefined && processStartTime(rec.pid) !== undefined;
  const why = reused ? `process exited (pid ${rec.pid} now belongs to another process)` : `process exited (pid ${rec.pid} not running)`;
  return { ...base, exists: false, running: false, drift: [why], fingerprint: `exited:${processFingerprint(rec.pid, rec.startTime)}` };
}
