// Starting one detached instance process and recording it; shared by the process and script runners.
import { instanceDir } from '../paths.js';
import type { InstanceSpec } from '../../model/machine-specs.js';
import type { Json } from '../../model/resource.js';
import { writeRecord, type InstanceRecord } from '../state/instance-state.js';
import { instanceEnv } from './env.js';
import { earlyExit, spawnDetached, tailFile, type StartedProcess } from './spawn-detached.js';

export interface StartInstanceOptions {
  workDir: string;
  spec: InstanceSpec;
  specHash: string;
  argv: [string, ...string[]];
  cwd: string;
  env: Record<string, string>;
  rotateBytes?: number;
  extra?: Record<string, Json>;
}

/** Spawns the instance and writes its record (pid, start time, spec hash, spec). */
export async function startInstance(o: StartInstanceOptions): Promise<{ started: StartedProcess; record: InstanceRecord }> {
  const dir = instanceDir(o.workDir, o.spec.instance);
  const env = instanceEnv(o.env, { BOREAS_INSTANCE_DIR: dir });
  const started = await spawnDetached({ argv: o.argv, cwd: o.cwd, env, logDir: dir, rotateBytes: o.rotateBytes });
  const record: InstanceRecord = {
    instance: o.spec.instance,
    runtime: o.spec.runtime,
    specHash: o.specHash,
    spec: o.spec as unknown as Json,
    desired: 'running',
    pid: started.pid,
    startTime: started.startTime,
    startedAt: new Date().toISOString(),
    argv: o.argv,
    ...(o.extra ? { extra: o.extra } : {}),
  };
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
