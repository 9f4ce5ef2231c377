// Instance resources on this machine, through the runner of their runtime.
import type { DesiredResource, Health, Json, ObservedResource } from '../../model/resource.js';
import type { TaskResult } from '../../model/plan.js';
import type { InstanceSpec } from '../../runtime/instance-spec.js';
import { runHealthCheck } from '../../runtime/health/check.js';
import { instanceDir } from '../../runtime/paths.js';
import { instanceEnv } from '../../runtime/process/env.js';
import { resolveArgs, resolveCommand } from '../../runtime/process/resolve-command.js';
import type { RunnerSet } from '../../runtime/runners/index.js';
import { readRecord } from '../../runtime/state/instance-state.js';
import type { TargetContext } from '../target.js';
import { literalEnv, resolveEnv } from '../../secrets/env.js';

export interface InstanceEnv {
  workDir: string;
  baseDir: string;
  runners: RunnerSet;
  resolveSecret: TargetContext['resolveSecret'];
}

export async function observeInstance(e: InstanceEnv, r: DesiredResource): Promise<ObservedResource> {
  const spec = r.spec as unknown as InstanceSpec;
  const obs = await e.runners.get(spec.runtime).observe(spec.instance);
  const details: Record<string, Json> = { ...(obs.details ?? {}), runtime: spec.runtime, host: spec.host, ports: spec.ports };
  const common = {
    id: r.id,
    ...(obs.appliedHash !== undefined ? { appliedHash: obs.appliedHash } : {}),
    ...(obs.appliedSpec !== undefined ? { appliedSpec: obs.appliedSpec } : {}),
    ...(obs.fingerprint ? { fingerprint: obs.fingerprint } : {}),
    ...(obs.drift?.length ? { drift: obs.drift } : {}),
    details,
  };
  if (obs.stopped) return { ...common, exists: true, health: { status: 'Suspended', level: 0, message: 'stopped' } };
  if (!obs.exists || !obs.running)
    return { ...common, exists: false, health: { status: 'Missing', level: 0, message: obs.drift?.join('; ') || 'not running' } };
  const pid = typeof obs.details?.pid === 'number' ? ` (pid ${obs.details.pid})` : '';
  return { ...common, exists: true, health: { status: 'Healthy', level: 100, message: `running${pid}` } };
}

export async function applyInstance(e: InstanceEnv, r: DesiredResource, deleting: boolean): Promise<TaskResult> {
  const spec = r.spec as unknown as InstanceSpec;
  // A runtime change (process → script) leaves the old runner's instance behind; remove it first.
  const rec = await readRecord(e.workDir, spec.instance).catch(() => undefined);
  if (rec && rec.runtime !== spec.runtime) await e.runners.get(rec.runtime).remove(spec.instance);
  const runner = e.runners.get(spec.runtime);
  if (deleting) {
    const outcome = await runner.remove(spec.instance);
    return { outcome, message: outcome === 'deleted' ? `stopped and removed ${spec.instance}` : `${spec.instance} was not present` };
  }
  if (spec.state === 'Stopped') {
    const outcome = await runner.stop(spec.instance, { spec, specHash: r.hash });
    return { outcome, message: `${spec.instance} stopped` };
  }
  const env = await resolveEnv(spec.env, e.resolveSecret);
  const outcome = await runner.ensureRunning(spec, r.hash, env);
  const obs = await runner.observe(spec.instance);
  const pid = obs.details?.pid;
  const message =
    outcome === 'unchanged'
      ? `${spec.instance} already running`
      : `${spec.instance} ${outcome === 'created' ? 'started' : 'restarted'}${typeof pid === 'number' ? ` (pid ${pid})` : ''}`;
  return { outcome, message, details: { ...(obs.details ?? {}), ...(obs.fingerprint ? { fingerprint: obs.fingerprint } : {}) } };
}

export async function instanceHealth(e: InstanceEnv, r: DesiredResource): Promise<Health> {
  const spec = r.spec as unknown as InstanceSpec;
  const obs = await e.runners.get(spec.runtime).observe(spec.instance);
  if (obs.stopped) return { status: 'Suspended', level: 0, message: 'stopped' };
  if (!obs.running) return { status: 'Missing', level: 0, message: obs.drift?.join('; ') || 'not running' };
  const delay = (spec.health?.initialDelaySeconds ?? 0) * 1000;
  if (delay && obs.startedAt && Date.now() - Date.parse(obs.startedAt) < delay)
    return { status: 'Progressing', level: 50, message: 'starting (initial delay)' };
  const dir = instanceDir(e.workDir, spec.instance);
  const check = spec.health?.exec
    ? {
        ...spec.health,
        exec: { command: [resolveCommand(spec.health.exec.command[0], e.baseDir), ...resolveArgs(spec.health.exec.command.slice(1), e.baseDir)] },
      }
    : spec.health;
  // Probes run on this machine, so they go to loopback whatever address others use.
  return runHealthCheck(check, { host: '127.0.0.1', running: true, cwd: dir, env: instanceEnv(literalEnv(spec.env), { BOREAS_INSTANCE_DIR: dir }) });
}
