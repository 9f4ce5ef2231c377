// What a node lets its agent token do beyond file writes (those are confined by the allowed roots):
// which runtimes it runs (`--runtimes`), which executables it starts (`--allow-command`, for
// process/script commands, systemd Exec lines and exec health checks), and where an instance may
// work (its `cwd` and an artifact's `path` stay in the instance dir or an allowed root). Without
// --allow-command any executable may run: whoever holds the token runs commands as the agent's user.
import { existsSync, realpathSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { UserError } from '../model/errors.js';
import type { Runner } from '../runtime/runner.js';
import { artifactPath } from '../runtime/artifact.js';
import { checkBeneath } from '../runtime/files/index.js';
import type { HealthCheckSpec, InstanceSpec, Runtime } from '../model/machine-specs.js';
import { instanceDir } from '../runtime/paths.js';
import { resolveCommand } from '../runtime/process/resolve-command.js';
import type { AgentConfig } from './config.js';
import type { AgentContext, RunnerLookup } from './context.js';
import type { AgentTask } from '../protocol/tasks.js';

/** The node's runners, limited to `--runtimes` when given: other runtimes are refused by name. */
export function restrictRunners(runners: RunnerLookup, config: AgentConfig): RunnerLookup {
  const enabled = config.runtimes;
  if (!enabled) return runners;
  return {
    get(runtime: Runtime): Runner {
      if (!enabled.includes(runtime)) throw new UserError(runtimeRefused(runtime, enabled));
      return runners.get(runtime);
    },
    runtimes: () => runners.runtimes().filter((r) => enabled.includes(r)),
  };
}

function runtimeRefused(runtime: string, enabled: readonly string[]): string {
  return `runtime "${runtime}" is not enabled on this node (--runtimes ${enabled.join(',') || '(none)'})`;
}

/** Throws when the task would run something this node does not allow; nothing has run yet. */
export function checkTaskPolicy(ctx: AgentContext, task: AgentTask): void {
  switch (task.type) {
    case 'StartInstance':
      checkInstanceSpec(ctx, task.payload.spec, task.payload.env.PATH);
      break;
    case 'HealthProbe':
      checkHealth(ctx.config, task.payload.check, 'check.exec.command');
      break;
    case 'SystemdInstallUnit':
      requireRuntime(ctx.config, 'systemd');
      checkUnitText(ctx.config, task.payload.content, 'content');
      break;
    case 'SystemdControl':
      requireRuntime(ctx.config, 'systemd');
      break;
  }
}

/** Runtime, commands, working directory and artifact path of an instance (StartInstance, v1 /v1/apply). */
export function checkInstanceSpec(ctx: AgentContext, spec: InstanceSpec, pathEnv?: string): void {
  const cfg = ctx.config;
  requireRuntime(cfg, spec.runtime);
  const dir = instanceDir(cfg.workDir, spec.instance);
  const places = [dir, ...cfg.allowedRoots];
  if (spec.runtime === 'process' && spec.process) {
    const p = spec.process;
    if (p.cwd) confine(resolve(cfg.workDir, p.cwd), places, 'process.cwd');
    const artifact = p.artifact ? artifactPath(p.artifact, dir) : undefined;
    if (p.artifact?.path) confine(resolve(p.artifact.path), places, 'process.artifact.path');
    if (artifact && (p.command === artifact || p.command === basename(artifact))) {
      if (cfg.allowCommands.length)
        throw new UserError(`process.command: "${p.command}" is a downloaded artifact; this node only runs executables allowed by --allow-command`);
    } else checkCommand(cfg, p.command, pathEnv, 'process.command');
  }
  if (spec.runtime === 'script' && spec.script) {
    for (const key of ['start', 'stop', 'status'] as const) {
      const argv = spec.script[key];
      if (argv?.length) checkCommand(cfg, argv[0], undefined, `script.${key}`);
    }
  }
  if (spec.runtime === 'systemd' && spec.systemd) checkUnitText(cfg, spec.systemd.unit, 'systemd.unit');
  checkHealth(cfg, spec.health, 'health.exec.command');
}

function requireRuntime(cfg: AgentConfig, runtime: string): void {
  if (cfg.runtimes && !cfg.runtimes.includes(runtime as Runtime)) throw new UserError(runtimeRefused(runtime, cfg.runtimes));
}

function confine(path: string, places: string[], field: string): void {
  try {
    checkBeneath(path, places);
  } catch (err) {
    const why = /outside the allowed roots/.test((err as Error).message) ? 'is outside' : `cannot be checked (${(err as Error).message}) against`;
    throw new UserError(`${field}: ${path} ${why} the instance directory and the allowed roots (${places.join(', ')})`);
  }
}

function checkHealth(cfg: AgentConfig, check: Partial<HealthCheckSpec> | undefined, field: string): void {
  const argv = check?.exec?.command;
  if (argv?.length) checkCommand(cfg, argv[0], undefined, field);
}

/**
 * With --allow-command, the executable must be one of the listed paths (as given or as its real
 * path). The command is compared as resolved (PATH lookup, relative to the work dir), never through
 * a symlink of its own: a link the token holder planted could be re-pointed between check and start.
 */
export function checkCommand(cfg: AgentConfig, command: string, pathEnv: string | undefined, field: string): void {
  if (!cfg.allowCommands.length) return;
  let resolved: string;
  try {
    resolved = resolveCommand(command, cfg.workDir, pathEnv);
  } catch (err) {
    throw new UserError(`${field}: ${(err as Error).message}`);
  }
  const allowed = cfg.allowCommands.flatMap((c) => [c, existsSync(c) ? realpathSync(c) : c]);
  if (!allowed.includes(resolved))
    throw new UserError(`${field}: "${command}" (${resolved}) is not allowed on this node (--allow-command ${cfg.allowCommands.join(', ')})`);
}

/** Exec*= lines of a unit (continuations joined, `;`-separated commands split), each checked. */
function checkUnitText(cfg: AgentConfig, unit: string, field: string): void {
  if (!cfg.allowCommands.length) return;
  const lines = unit.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  for (const line of lines) {
    const m = /^\s*(Exec[A-Za-z]*)\s*=\s*(.*)$/.exec(line);
    if (!m || m[1] === 'ExecSearchPath') continue;
    for (const command of m[2].split(/\s+;\s+/)) {
      const exe = /^[-@:+!|]*\s*("([^"]*)"|'([^']*)'|(\S+))/.exec(command.trim());
      const path = exe ? (exe[2] ?? exe[3] ?? exe[4]) : '';
      if (!path) continue;
      if (!path.startsWith('/')) throw new UserError(`${field}: ${m[1]}=${path}: use an absolute path (this node checks Exec lines against --allow-command)`);
      checkCommand(cfg, path, undefined, `${field}: ${m[1]}`);
    }
  }
}
