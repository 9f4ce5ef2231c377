// Runner for `runtime: script`: start / stop / status commands. A start command that keeps running is
// tracked like a process; one that exits 0 within the one-shot window has started something else
// (a daemonising script), and then the status command (or the record) says whether it runs.
import { UserError } from '../../model/errors.js';
import type { Json } from '../../model/resource.js';
import type { InstanceSpec } from '../../model/machine-specs.js';
import { instanceDir } from '../paths.js';
import { instanceEnv } from '../process/env.js';
import { observeRecord } from '../process/observe-record.js';
import { adoptedRecord, locateProcesses, stopInstanceProcesses } from '../process/instance-processes.js';
import { resolveArgs, resolveCommand } from '../process/resolve-command.js';
import { runCommand } from '../process/run-command.js';
import { earlyExit, earlyExitError, startInstance } from '../process/start-instance.js';
import { terminateProcesses } from '../process/terminate.js';
import type { Runner, RunnerContext, RunnerObservation } from '../runner.js';
import { listRecords, readRecord, writeRecord, type InstanceRecord } from '../state/instance-state.js';
import { removeDetached, stopDetached, type DetachedRunnerOptions } from './process.js';

export interface ScriptRunnerOptions extends DetachedRunnerOptions {
  /** A start command exiting 0 within this window is a one-shot. Default 1000 ms. */
  oneShotWindowMs?: number;
  /** Timeout of stop/status commands. Default 30 s. */
  commandTimeoutMs?: number;
}

/** Literal (non-secret) env of a spec: what stop/status commands get, since resolved env is never stored. */
function literalEnv(spec: InstanceSpec | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec?.env ?? {})) if (typeof v === 'string') out[k] = v;
  return out;
}

export class ScriptRunner implements Runner {
  readonly runtime = 'script' as const;

  constructor(
    private readonly ctx: RunnerContext,
    private readonly opts: ScriptRunnerOptions = {},
  ) {}

  private argv(cmd: string[]): [string, ...string[]] {
    return [resolveCommand(cmd[0], this.ctx.baseDir), ...resolveArgs(cmd.slice(1), this.ctx.baseDir)];
  }

  /** Runs a stop/status command of the recorded spec; the exit code, or undefined when it could not run. */
  private async runSpecCommand(rec: InstanceRecord, cmd: string[]): Promise<{ code?: number; output: string }> {
    const dir = instanceDir(this.ctx.workDir, rec.instance);
    // Not an instance process: no identity, so a sweep of the instance never mistakes it for one.
    const res = await runCommand(this.argv(cmd), {
      cwd: dir,
      env: instanceEnv(literalEnv(rec.spec), { BOREAS_INSTANCE_DIR: dir }),
      timeoutMs: this.opts.commandTimeoutMs ?? 30_000,
    });
    return { code: res.code, output: res.error ?? res.output };
  }

  private async isRunning(rec: InstanceRecord): Promise<boolean> {
    const status = rec.spec?.script?.status;
    if (status) return (await this.runSpecCommand(rec, status)).code === 0;
    if (rec.oneShot) return rec.desired === 'running';
    return locateProcesses(this.ctx.workDir, rec).current !== undefined;
  }

  private async stopRunning(rec: InstanceRecord): Promise<void> {
    const stop = rec.spec?.script?.stop;
    if (stop) {
      const res = await this.runSpecCommand(rec, stop);
      if (res.code !== 0) throw new Error(`${rec.instance}: stop command failed (${res.code ?? 'not run'}): ${res.output}`);
    }
    // Then whatever still carries the identity: the start command, what it daemonised, their children.
    await stopInstanceProcesses(this.ctx.workDir, rec, this.opts.graceMs);
  }

  async ensureRunning(spec: InstanceSpec, specHash: string, env: Record<string, string>): Promise<'created' | 'configured' | 'unchanged'> {
    const s = spec.script;
    if (!s) throw new UserError(`${spec.instance}: runtime script needs a script block`);
    const rec = await readRecord(this.ctx.workDir, spec.instance);
    const running = rec ? await this.isRunning(rec) : false;
    if (rec && running && rec.desired === 'running' && rec.specHash === specHash) {
      if (rec.oneShot) return 'unchanged';
      const found = locateProcesses(this.ctx.workDir, rec, { scan: 'always' });
      // Running by the status command but no launch of ours found: what runs is the script's own doing.
      if (!found.current) return 'unchanged';
      const strays = await terminateProcesses(found.strays, this.opts.graceMs);
      if (found.adopted) await writeRecord(this.ctx.workDir, adoptedRecord(rec, found.current));
      return strays ? 'configured' : 'unchanged';
    }
    if (rec && running) await this.stopRunning(rec);

    const dir = instanceDir(this.ctx.workDir, spec.instance);
    const { started, record } = await startInstance({
      workDir: this.ctx.workDir,
      spec,
      specHash,
      argv: this.argv(s.start),
      cwd: dir,
      env,
      rotateBytes: this.opts.rotateBytes,
      graceMs: this.opts.graceMs,
    });
    const exit = await earlyExit(started.child, this.opts.oneShotWindowMs ?? 1000);
    if (exit === 0) {
      const oneShot: InstanceRecord = { ...record, oneShot: true, pid: undefined, startTime: undefined };
      await writeRecord(this.ctx.workDir, oneShot);
      if (s.status && !(await this.isRunning(oneShot))) throw new Error(`${spec.instance}: start exited 0 but the status command reports it is not running`);
    } else if (exit !== undefined) {
      throw earlyExitError(spec.instance, exit, started.logs.stderr);
    }
    return rec ? 'configured' : 'created';
  }

  async stop(instance: string, applied?: { spec: InstanceSpec; specHash: string }): Promise<'configured' | 'unchanged'> {
    const rec = await readRecord(this.ctx.workDir, instance);
    let stopped = false;
    if (rec && rec.desired === 'running' && (await this.isRunning(rec))) {
      await this.stopRunning(rec);
      stopped = true;
    }
    const res = await stopDetached(this.ctx.workDir, this.runtime, instance, applied, this.opts.graceMs);
    return stopped ? 'configured' : res;
  }

  async remove(instance: string): Promise<'deleted' | 'unchanged'> {
    const rec = await readRecord(this.ctx.workDir, instance);
    if (rec && rec.desired === 'running' && (await this.isRunning(rec))) await this.stopRunning(rec);
    return removeDetached(this.ctx.workDir, instance, this.opts.graceMs);
  }

  async observe(instance: string): Promise<RunnerObservation> {
    const rec = await readRecord(this.ctx.workDir, instance);
    if (!rec || rec.runtime !== this.runtime) return { exists: false, running: false };
    const obs = observeRecord(this.ctx.workDir, rec, await this.isRunning(rec));
    if (rec.oneShot) obs.details = { ...obs.details, oneShot: true as Json };
    if (!obs.running && obs.drift?.length && rec.spec?.script?.status) obs.drift = [`status command reports ${instance} is not running`];
    return obs;
  }

  async list(): Promise<string[]> {
    return (await listRecords(this.ctx.workDir, this.runtime)).map((r) => r.instance);
  }
}
