// Starting one detached instance process, crash-safely; shared by the process and script runners.
// The order is what makes a kill -9 at any point harmless:
//   1. stop every process still carrying the instance identity (a previous launch, strays),
//   2. write the intent record (spec, identity, a new launch id; fsync'd) — before anything runs,
//   3. spawn with BOREAS_INSTANCE_IDENTITY / BOREAS_LAUNCH_ID in the environment,
//   4. record the pid and its start time.
// A crash between 2 and 4 leaves a pending record; the next run finds the launch by its identity
// (process/instance-processes.ts) and adopts it or stops it, so one instance never runs twice.
import type { InstanceSpec } from '../../model/machine-specs.js';
import type { Json } from '../../model/resource.js';
import { instanceDir } from '../paths.js';
import { type InstanceRecord, writeRecord } from '../state/instance-state.js';
import { instanceEnv } from './env.js';
import { instanceIdentity, instanceIdVar, launchIdVar, newLaunchId } from './identity.js';
import { stopInstanceProcesses } from './instance-processes.js';
import { earlyExit, spawnDetached, type StartedProcess, tailFile } from './spawn-detached.js';

export interface StartInstanceOptions {
  workDir: string;
  spec: InstanceSpec;
  specHash: string;
  argv: [string, ...string[]];
  cwd: string;
  env: Record<string, string>;
  rotateBytes?: number;
  extra?: Record<string, Json>;
  /** Grace period for whatever still runs under the instance's identity. */
  graceMs?: number;
}

/** Spawns the instance between its intent record and its pid record (see the top of this file). */
export async function startInstance(o: StartInstanceOptions): Promise<{ started: StartedProcess; record: InstanceRecord }> {
  const dir = instanceDir(o.workDir, o.spec.instance);
  const identity = instanceIdentity(o.workDir, o.spec.instance);
  await stopInstanceProcesses(o.workDir, { instance: o.spec.instance, identity }, o.graceMs);
  const launchId = newLaunchId();
  const intent: InstanceRecord = {
    instance: o.spec.instance,
    runtime: o.spec.runtime,
    specHash: o.specHash,
    spec: o.spec,
    desired: 'running',
    identity,
    launchId,
    pending: true,
    argv: o.argv,
    ...(o.extra ? { extra: o.extra } : {}),
  };
  await writeRecord(o.workDir, intent);
  const env = instanceEnv(o.env, { BOREAS_INSTANCE_DIR: dir, [instanceIdVar]: identity, [launchIdVar]: launchId });
  const started = await spawnDetached({ argv: o.argv, cwd: o.cwd, env, logDir: dir, rotateBytes: o.rotateBytes });
  const { pending: _pending, ...rest } = intent;
  const record: InstanceRecord = { ...rest, pid: started.pid, startTime: started.startTime, startedAt: new Date().toISOString() };
  await writeRecord(o.workDir, record);
  return { started, record };
}

/** A clear error for an instance that died right after start, with the end of its stderr. */
export function earlyExitError(instance: string, code: number | string, stderrLog: string): Error {
  const tail = tailFile(stderrLog);
  return new Error(
    `${instance} exited right after start (${typeof code === 'number' ? `code ${code}` : code})${tail ? `; stderr:\n${tail}` : ''} (log: ${stderrLog})`,
  );
}

export { earlyExit };
