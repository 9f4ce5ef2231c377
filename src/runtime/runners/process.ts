// Runner for `runtime: process`: a command started detached with an argument array, tracked by pid +
// start time and by the instance identity in its environment, restarted when its spec hash changes or
// it died. A launch a crash left unrecorded is adopted, strays of it are stopped (start-instance.ts).
// Supervision with backoff inside a long-lived process is the Supervisor's job (supervisor.ts); here a
// dead process is just observed.
import { rm, rmdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { UserError } from '../../model/errors.js';
import type { Json } from '../../model/resource.js';
import { artifactPath, ensureArtifact } from '../artifact.js';
import type { InstanceSpec } from '../../model/machine-specs.js';
import { instanceDir } from '../paths.js';
import { observeRecord } from '../process/observe-record.js';
import { adoptedRecord, locateProcesses, stopInstanceProcesses } from '../process/instance-processes.js';
import { resolveArgs, resolveCommand } from '../process/resolve-command.js';
import { earlyExit, earlyExitError, startInstance } from '../process/start-instance.js';
import { terminateProcesses } from '../process/terminate.js';
import type { Runner, RunnerContext, RunnerObservation } from '../runner.js';
import { deleteRecord, type InstanceRecord, listRecords, readRecord, writeRecord } from '../state/instance-state.js';

export interface DetachedRunnerOptions {
  /** SIGTERM → SIGKILL grace period. Default 5000 ms. */
  graceMs?: number;
  /** How long to watch a fresh process for an immediate crash. Default 300 ms. */
  startupWatchMs?: number;
  /** Rotate logs over this size at start. Default 10 MiB. */
  rotateBytes?: number;
}

export class ProcessRunner implements Runner {
  readonly runtime = 'process' as const;

  constructor(
    private readonly ctx: RunnerContext,
    private readonly opts: DetachedRunnerOptions = {},
  ) {}

  async ensureRunning(spec: InstanceSpec, specHash: string, env: Record<string, string>): Promise<'created' | 'configured' | 'unchanged'> {
    const p = spec.process;
    if (!p) throw new UserError(`${spec.instance}: runtime process needs a process block`);
    const rec = await readRecord(this.ctx.workDir, spec.instance);
    if (rec) {
      const found = locateProcesses(this.ctx.workDir, rec, { scan: 'always' });
      if (found.current && rec.desired === 'running' && rec.specHash === specHash) {
        const strays = await terminateProcesses(found.strays, this.opts.graceMs);
        if (found.adopted) await writeRecord(this.ctx.workDir, adoptedRecord(rec, found.current));
        return strays ? 'configured' : 'unchanged';
      }
      await stopInstanceProcesses(this.ctx.workDir, rec, this.opts.graceMs);
    }

    const dir = instanceDir(this.ctx.workDir, spec.instance);
    const extra: Record<string, Json> = {};
    let command: string;
    if (p.artifact) {
      const path = await ensureArtifact(p.artifact, dir);
      extra.artifact = path;
      env = { ...env, BOREAS_ARTIFACT: path };
      const isArtifact = p.command === path || p.command === basename(artifactPath(p.artifact, dir));
      command = isArtifact ? path : resolveCommand(p.command, this.ctx.baseDir, env.PATH);
    } else {
      command = resolveCommand(p.command, this.ctx.baseDir, env.PATH);
    }
    const argv: [string, ...string[]] = [command, ...resolveArgs(p.args ?? [], this.ctx.baseDir)];
    const cwd = p.cwd ? resolve(this.ctx.baseDir, p.cwd) : dir;
    const { started } = await startInstance({
      workDir: this.ctx.workDir,
      spec,
      specHash,
      argv,
      cwd,
      env,
      rotateBytes: this.opts.rotateBytes,
      extra,
      graceMs: this.opts.graceMs,
    });
    const exit = await earlyExit(started.child, this.opts.startupWatchMs ?? 300);
    if (exit !== undefined) throw earlyExitError(spec.instance, exit, started.logs.stderr);
    return rec ? 'configured' : 'created';
  }

  async stop(instance: string, applied?: { spec: InstanceSpec; specHash: string }): Promise<'configured' | 'unchanged'> {
    return stopDetached(this.ctx.workDir, this.runtime, instance, applied, this.opts.graceMs);
  }

  async remove(instance: string): Promise<'deleted' | 'unchanged'> {
    return removeDetached(this.ctx.workDir, instance, this.opts.graceMs);
  }

  async observe(instance: string): Promise<RunnerObservation> {
    const rec = await readRecord(this.ctx.workDir, instance);
    return observeRecord(this.ctx.workDir, rec && rec.runtime === this.runtime ? rec : undefined);
  }

  async list(): Promise<string[]> {
    return (await listRecords(this.ctx.workDir, this.runtime)).map((r) => r.instance);
  }
}

/** Stops a detached instance and marks its record stopped (recording the Stopped spec when given). */
export async function stopDetached(
  workDir: string,
  runtime: InstanceSpec['runtime'],
  instance: string,
  applied: { spec: InstanceSpec; specHash: string } | undefined,
  graceMs?: number,
): Promise<'configured' | 'unchanged'> {
  const rec = await readRecord(workDir, instance);
  const killed = await stopInstanceProcesses(workDir, rec ?? { instance }, graceMs);
  const {
    pending: _pending,
    pid: _pid,
    startTime: _startTime,
    ...kept
  }: InstanceRecord = rec ?? { instance, runtime, specHash: '', spec: null, desired: 'stopped' };
  const next: InstanceRecord = {
    ...kept,
    ...(applied ? { specHash: applied.specHash, spec: applied.spec, runtime } : {}),
    desired: 'stopped',
  };
  const changed = killed || !rec || rec.desired !== 'stopped' || rec.specHash !== next.specHash;
  if (changed) await writeRecord(workDir, next);
  return changed ? 'configured' : 'unchanged';
}

/** Stops a detached instance and deletes its record, logs and artifact (rendered files are File resources). */
export async function removeDetached(workDir: string, instance: string, graceMs?: number): Promise<'deleted' | 'unchanged'> {
  const rec = await readRecord(workDir, instance);
  // Without a record, whatever still carries the instance's identity is stopped all the same.
  const killed = await stopInstanceProcesses(workDir, rec ?? { instance }, graceMs);
  if (!rec) return killed ? 'deleted' : 'unchanged';
  const dir = instanceDir(workDir, instance);
  await deleteRecord(workDir, instance);
  for (const f of ['stdout.log', 'stdout.log.1', 'stderr.log', 'stderr.log.1']) await rm(join(dir, f), { force: true });
  await rm(join(dir, 'artifact'), { recursive: true, force: true });
  await rmdir(dir).catch(() => undefined); // keeps the dir when config files are still in it
  return 'deleted';
}
