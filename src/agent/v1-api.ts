// The v1 application API of the agent: `POST /v1/apply` deploys one app from a package description, `GET
// /v1/status[/:app]` reports apps in the v1 `apps[]` shape. Applied apps run through the same
// runners (docker → container, binary → process, script → script) as controller instances; the
// instance is named after the app (one instance per app per node in this API).
import type { InstanceSpec, Runtime } from '../model/machine-specs.js';
import { runHealthCheck } from '../runtime/health/index.js';
import { hashJson } from '../util/hash.js';
import { runnerFor, supervisionOf, type AgentContext } from './context.js';
import { HttpError } from '../util/http-body.js';
import { checkInstanceSpec } from './policy.js';

export interface V1Package {
  type: 'docker' | 'binary' | 'script';
  image?: string;
  ports?: Array<{ host?: number; container: number; protocol?: 'tcp' | 'udp' }>;
  environment?: Record<string, string>;
  command?: string | string[];
  args?: string[];
  cwd?: string;
  url?: string;
  sha256?: string;
  start?: string[];
  stop?: string[];
  status?: string[];
  networkMode?: string;
}

export interface V1ApplyRequest {
  app: string;
  version: string;
  pkg: V1Package;
}

/** v1 apply response: exactly these three fields. */
export interface V1ApplyResponse {
  app: string;
  message: string;
  success: boolean;
}

/** One entry of v1 `apps[]`. */
export interface V1AppStatus {
  app: string;
  version: string;
  healthy: { level: number; msg: string };
  status: string;
  updated: string;
}

const runtimeOf: Record<V1Package['type'], Runtime> = { docker: 'container', binary: 'process', script: 'script' };

/** The InstanceSpec a v1 package runs as. Exported for tests. */
export function v1InstanceSpec(node: string, req: V1ApplyRequest): InstanceSpec {
  const { pkg } = req;
  const runtime = runtimeOf[pkg.type];
  const spec: InstanceSpec = {
    app: req.app,
    instance: req.app,
    ordinal: 0,
    node,
    host: '127.0.0.1',
    version: req.version,
    runtime,
    env: { ...(pkg.environment ?? {}) },
    ports: {},
    filesHash: '',
    state: 'Running',
  };
  if (pkg.type === 'docker') {
    if (!pkg.image) throw new HttpError(400, 'body.pkg: missing field "image" (required for type docker)');
    const command = typeof pkg.command === 'string' ? [pkg.command] : pkg.command;
    spec.container = {
      image: pkg.image,
      ...(command ? { command } : {}),
      ...(pkg.args ? { args: pkg.args } : {}),
      ...(pkg.ports ? { ports: pkg.ports } : {}),
      ...(pkg.networkMode ? { networkMode: pkg.networkMode } : {}),
    };
    for (const p of pkg.ports ?? []) spec.ports[`port-${p.container}`] = p.host ?? p.container;
  } else if (pkg.type === 'binary') {
    const command = Array.isArray(pkg.command) ? pkg.command : pkg.command ? [pkg.command] : [];
    if (!command.length) throw new HttpError(400, 'body.pkg: missing field "command" (required for type binary)');
    if (pkg.url && !pkg.sha256) throw new HttpError(400, 'body.pkg: missing field "sha256" (required with "url")');
    spec.process = {
      command: command[0],
      args: [...command.slice(1), ...(pkg.args ?? [])],
      ...(pkg.cwd ? { cwd: pkg.cwd } : {}),
      ...(pkg.url ? { artifact: { url: pkg.url, sha256: pkg.sha256! } } : {}),
    };
  } else {
    if (!pkg.start) throw new HttpError(400, 'body.pkg: missing field "start" (required for type script)');
    spec.script = {
      start: pkg.start as [string, ...string[]],
      ...(pkg.stop ? { stop: pkg.stop as [string, ...string[]] } : {}),
      ...(pkg.status ? { status: pkg.status as [string, ...string[]] } : {}),
    };
  }
  return spec;
}

/** v1 `POST /v1/apply`: runs the package and answers `{app, message, success}`. */
export async function v1Apply(ctx: AgentContext, req: V1ApplyRequest): Promise<V1ApplyResponse> {
  const spec = v1InstanceSpec(ctx.config.nodeName, req);
  try {
    checkInstanceSpec(ctx, spec, req.pkg.environment?.PATH);
    const prev = ctx.state.v1App(req.app);
    if (prev && prev.runtime !== spec.runtime) await runnerFor(ctx, prev.runtime).remove(prev.instance);
    const runner = runnerFor(ctx, spec.runtime);
    const env = req.pkg.environment ?? {};
    supervisionOf(ctx).unwatch(spec.instance);
    const outcome = await supervisionOf(ctx).exclusive(spec.instance, () => runner.ensureRunning(spec, hashJson(spec), env));
    supervisionOf(ctx).watch(runner, spec, hashJson(spec), env);
    ctx.state.recordSeedApp({ app: req.app, version: req.version, runtime: spec.runtime, instance: spec.instance, updated: new Date().toISOString() });
    const verb = outcome === 'created' ? 'started' : outcome === 'configured' ? 'updated' : 'already running';
    return { app: req.app, message: `Deployed ${req.app} ${req.version} on ${ctx.config.nodeName} (${verb})`, success: true };
  } catch (err) {
    return { app: req.app, message: `Deploy of ${req.app} ${req.version} on ${ctx.config.nodeName} failed: ${(err as Error).message}`, success: false };
  }
}

/**
 * v1 `GET /v1/status`: apps deployed through `/v1/apply` plus the controller's instances on this
 * node (grouped per application: the worst instance sets the level).
 */
export async function v1Status(ctx: AgentContext, only?: string): Promise<V1AppStatus[]> {
  const entries: Array<{ app: string; version: string; runtime: string; instance: string; updated: string }> = [...ctx.state.v1Apps()];
  for (const r of ctx.state.resources()) {
    if (r.kind !== 'Instance' || r.locator.removedAt) continue;
    const instance = r.locator.instance as string;
    entries.push({
      app: (r.locator.app as string | undefined) ?? instance.replace(/-\d+$/, ''),
      version: (r.locator.version as string | undefined) ?? '',
      runtime: r.locator.runtime as string,
      instance,
      updated: r.updatedAt,
    });
  }
  const byApp = new Map<string, V1AppStatus>();
  for (const e of entries.filter((x) => !only || x.app === only)) {
    const s = await instanceStatus(ctx, e);
    const prev = byApp.get(e.app);
    if (!prev || s.healthy.level < prev.healthy.level) byApp.set(e.app, prev ? { ...s, updated: s.updated > prev.updated ? s.updated : prev.updated } : s);
  }
  return [...byApp.values()].sort((a, b) => (a.app < b.app ? -1 : 1));
}

async function instanceStatus(
  ctx: AgentContext,
  e: { app: string; version: string; runtime: string; instance: string; updated: string },
): Promise<V1AppStatus> {
  try {
    const obs = await runnerFor(ctx, e.runtime).observe(e.instance);
    const stopped = (obs as { stopped?: boolean }).stopped;
    if (!obs.exists && !obs.running)
      return { app: e.app, version: e.version, healthy: { level: 0, msg: 'not running' }, status: obs.appliedHash ? 'exited' : 'missing', updated: e.updated };
    if (stopped && !obs.running) return { app: e.app, version: e.version, healthy: { level: 0, msg: 'stopped' }, status: 'stopped', updated: e.updated };
    if (!obs.running) return { app: e.app, version: e.version, healthy: { level: 0, msg: 'not running' }, status: 'exited', updated: e.updated };
    const health = (obs as { appliedSpec?: InstanceSpec }).appliedSpec?.health;
    const h = await runHealthCheck(health, { host: '127.0.0.1', running: true });
    return {
      app: e.app,
      version: e.version,
      healthy: { level: h.level, msg: h.level === 100 ? 'OK' : (h.message ?? '') },
      status: 'running',
      updated: e.updated,
    };
  } catch (err) {
    return { app: e.app, version: e.version, healthy: { level: 0, msg: (err as Error).message }, status: 'unknown', updated: e.updated };
  }
}
