// Runner for `runtime: systemd`: the unit text is written to the unit dir, secrets go to an
// EnvironmentFile (0600, under the work dir) referenced by a drop-in, then `daemon-reload`, enable
// (when the unit has an [Install] section) and start/restart. Status is `systemctl show`; the
// InvocationID is the fingerprint (it changes on every start). The unit name is the instance's
// identity; the record naming it is written (fsync'd) before any unit file is installed, so a crash
// mid-install leaves a record `down` finds, and the unit's processes carry BOREAS_INSTANCE_IDENTITY too.
// The systemctl invocation is argv (["systemctl", "--user"] in tests and for user managers) and never
// goes through a shell.
import { readFile, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../model/errors.js';
import type { Json } from '../../model/resource.js';
import { writeFileAtomic } from '../files/atomic.js';
import type { InstanceSpec } from '../../model/machine-specs.js';
import { instanceDir } from '../paths.js';
import { runCommand } from '../process/run-command.js';
import { instanceIdentity, instanceIdVar } from '../process/identity.js';
import type { Runner, RunnerContext, RunnerObservation } from '../runner.js';
import { deleteRecord, type InstanceRecord, listRecords, readRecord, writeRecord } from '../state/instance-state.js';

export interface SystemdOptions {
  /** argv prefix, e.g. ["systemctl"] or ["systemctl", "--user"]. */
  systemctl: string[];
  /** Directory unit files are written to (e.g. /etc/systemd/system, ~/.config/systemd/user). */
  unitDir: string;
  /** Timeout of one systemctl call. Default 60 s. */
  timeoutMs?: number;
}

const unitNamePattern = /^[A-Za-z0-9][A-Za-z0-9@._:\\-]*\.(service|socket|timer|target|path|mount)$/;

/** Checks a unit name so it cannot name a path or an option. */
export function assertUnitName(name: string): string {
  if (!unitNamePattern.test(name) || name.includes('..')) throw new UserError(`invalid systemd unit name "${name}"`);
  return name;
}

/** Runs `systemctl <args>`; throws with systemctl's own message on a non-zero exit. */
export async function systemctl(opts: SystemdOptions, args: string[]): Promise<string> {
  const argv = [...opts.systemctl, ...args];
  const res = await runCommand(argv, { timeoutMs: opts.timeoutMs ?? 60_000, env: process.env as Record<string, string> });
  if (res.error) throw new Error(res.error);
  if (res.timedOut) throw new Error(`${argv.join(' ')}: timed out`);
  if (res.code !== 0) throw new Error(`${argv.join(' ')} failed (exit ${res.code}): ${res.output}`);
  return res.output;
}

export interface UnitStatus {
  LoadState: string;
  ActiveState: string;
  SubState: string;
  InvocationID: string;
  MainPID: string;
}

/** `systemctl show -p ActiveState,SubState,InvocationID,...` parsed. */
export async function showUnit(opts: SystemdOptions, unit: string): Promise<UnitStatus> {
  const out = await systemctl(opts, ['show', '-p', 'LoadState,ActiveState,SubState,InvocationID,MainPID', '--', assertUnitName(unit)]);
  const kv = Object.fromEntries(out.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  return {
    LoadState: kv.LoadState ?? '',
    ActiveState: kv.ActiveState ?? '',
    SubState: kv.SubState ?? '',
    InvocationID: kv.InvocationID ?? '',
    MainPID: kv.MainPID ?? '',
  };
}

/** Writes a file only when its content differs; true when written. */
export async function writeIfChanged(path: string, content: string, mode: number): Promise<boolean> {
  const old = await readFile(path, 'utf8').catch(() => undefined);
  if (old === content) return false;
  await writeFileAtomic(path, content, mode);
  return true;
}

/** systemd EnvironmentFile line: double-quoted, backslash and quote escaped (no expansion happens). */
function envLine(name: string, value: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UserError(`invalid environment variable name "${name}"`);
  return `${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

export class SystemdRunner implements Runner {
  readonly runtime = 'systemd' as const;

  constructor(
    private readonly ctx: RunnerContext,
    private readonly opts: SystemdOptions,
  ) {}

  /** Unit name of an instance: the spec's name, else boreas-<instance>.service (unique per slot). */
  static unitName(spec: InstanceSpec): string {
    return assertUnitName(spec.systemd?.name ?? `boreas-${spec.instance}.service`);
  }

  async ensureRunning(spec: InstanceSpec, specHash: string, env: Record<string, string>): Promise<'created' | 'configured' | 'unchanged'> {
    if (!spec.systemd) throw new UserError(`${spec.instance}: runtime systemd needs a systemd block`);
    const unit = SystemdRunner.unitName(spec);
    const dir = instanceDir(this.ctx.workDir, spec.instance);
    const envFile = join(dir, 'systemd.env');
    const rec = await readRecord(this.ctx.workDir, spec.instance);
    const identity = instanceIdentity(this.ctx.workDir, spec.instance);
    const record: InstanceRecord = { instance: spec.instance, runtime: 'systemd', specHash, spec, desired: 'running', identity, extra: { unit } };
    // The intent, durable before the unit is installed: unless a record already names this unit.
    if (rec?.extra?.unit !== unit) await writeRecord(this.ctx.workDir, { ...record, pending: true });
    const changed = [
      await writeIfChanged(join(this.opts.unitDir, unit), spec.systemd.unit, 0o644),
      await writeIfChanged(
        envFile,
        Object.entries({ ...env, [instanceIdVar]: identity })
          .map(([k, v]) => envLine(k, v))
          .join('\n') + '\n',
        0o600,
      ),
      await writeIfChanged(join(this.opts.unitDir, `${unit}.d`, '50-boreas-env.conf'), `[Service]\nEnvironmentFile=${envFile}\n`, 0o644),
    ].some(Boolean);
    if (changed) await systemctl(this.opts, ['daemon-reload']);
    const status = await showUnit(this.opts, unit);
    const active = status.ActiveState === 'active' || status.ActiveState === 'activating';
    if (!changed && active && rec?.specHash === specHash && rec.desired === 'running' && !rec.pending) return 'unchanged';
    if (/^\[Install\]/m.test(spec.systemd.unit)) await systemctl(this.opts, ['enable', '--', unit]);
    await systemctl(this.opts, [active ? 'restart' : 'start', '--', unit]);
    await writeRecord(this.ctx.workDir, { ...record, startedAt: new Date().toISOString() });
    return rec ? 'configured' : 'created';
  }

  async stop(instance: string, applied?: { spec: InstanceSpec; specHash: string }): Promise<'configured' | 'unchanged'> {
    const rec = await readRecord(this.ctx.workDir, instance);
    const unit = (rec?.extra?.unit as string | undefined) ?? (applied ? SystemdRunner.unitName(applied.spec) : `boreas-${instance}.service`);
    const status = await showUnit(this.opts, unit);
    const active = status.ActiveState === 'active' || status.ActiveState === 'activating';
    if (active) await systemctl(this.opts, ['stop', '--', unit]);
    const { pending: _pending, ...kept }: InstanceRecord = rec ?? { instance, runtime: 'systemd', specHash: '', spec: null, desired: 'stopped' };
    const next: InstanceRecord = {
      ...kept,
      ...(applied ? { specHash: applied.specHash, spec: applied.spec } : {}),
      desired: 'stopped',
      extra: { unit },
    };
    const changed = active || !rec || rec.desired !== 'stopped' || rec.specHash !== next.specHash;
    if (changed) await writeRecord(this.ctx.workDir, next);
    return changed ? 'configured' : 'unchanged';
  }

  async remove(instance: string): Promise<'deleted' | 'unchanged'> {
    const rec = await readRecord(this.ctx.workDir, instance);
    if (!rec) return 'unchanged';
    const unit = (rec.extra?.unit as string | undefined) ?? `boreas-${instance}.service`;
    await systemctl(this.opts, ['stop', '--', unit]).catch(() => undefined);
    await systemctl(this.opts, ['disable', '--', unit]).catch(() => undefined);
    await rm(join(this.opts.unitDir, unit), { force: true });
    await rm(join(this.opts.unitDir, `${unit}.d`), { recursive: true, force: true });
    await systemctl(this.opts, ['daemon-reload']);
    const dir = instanceDir(this.ctx.workDir, instance);
    await rm(join(dir, 'systemd.env'), { force: true });
    await deleteRecord(this.ctx.workDir, instance);
    await rmdir(dir).catch(() => undefined);
    return 'deleted';
  }

  async observe(instance: string): Promise<RunnerObservation> {
    const rec = await readRecord(this.ctx.workDir, instance);
    if (rec?.runtime !== 'systemd') return { exists: false, running: false };
    const unit = (rec.extra?.unit as string | undefined) ?? `boreas-${instance}.service`;
    const s = await showUnit(this.opts, unit);
    const running = s.ActiveState === 'active' || s.ActiveState === 'activating' || s.ActiveState === 'reloading';
    const details: Record<string, Json> = { unit, activeState: s.ActiveState, subState: s.SubState, mainPid: Number(s.MainPID) || null, runtime: 'systemd' };
    const base = { appliedHash: rec.specHash, details };
    if (s.LoadState === 'not-found') return { ...base, exists: false, running: false, details: { ...details, drift: `unit ${unit} is gone` } };
    if (rec.desired === 'stopped') return { ...base, exists: true, running, fingerprint: running ? `invocation:${s.InvocationID}` : 'stopped' };
    // A unit that should run but is not active has drifted (failed, stopped by hand): exists=false
    // makes the plan repair it, as for an exited process. An install a crash cut short is drift too,
    // even when the unit is active: what runs may predate the files the install was writing.
    const fingerprint = running ? `invocation:${s.InvocationID}` : `${s.ActiveState}:${s.InvocationID}`;
    const drift = rec.pending ? [`the last install of ${unit} did not finish`] : [];
    return { ...base, exists: running, running, fingerprint, ...(drift.length ? { drift } : {}) };
  }

  async list(): Promise<string[]> {
    return (await listRecords(this.ctx.workDir, 'systemd')).map((r) => r.instance);
  }
}
