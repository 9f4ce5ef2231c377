// Runs the probe an InstanceSpec declares (http / tcp / exec / process) once.
import type { Health } from '../../model/resource.js';
import type { HealthCheckSpec } from '../../model/machine-specs.js';
import { execProbe, httpProbe, tcpProbe } from './probes.js';

export interface CheckContext {
  /** Address probes connect to (the instance's host; 127.0.0.1 on the local machine). */
  host: string;
  /** Whether the instance process runs; used for `process` checks and when no check is declared. */
  running: boolean;
  cwd?: string;
  env?: Record<string, string>;
}

/** One check of `spec` (or process-alive when there is none). */
export async function runHealthCheck(spec: HealthCheckSpec | undefined, ctx: CheckContext): Promise<Health> {
  if (!ctx.running) return { status: 'Missing', level: 0, message: 'not running' };
  const timeoutMs = Math.max(1, spec?.timeoutSeconds ?? 2) * 1000;
  if (spec?.http) return httpProbe({ host: ctx.host, port: spec.http.port, path: spec.http.path, scheme: spec.http.scheme, timeoutMs });
  if (spec?.tcp) return tcpProbe({ host: ctx.host, port: spec.tcp.port, timeoutMs });
  if (spec?.exec) return execProbe({ command: spec.exec.command, cwd: ctx.cwd, env: ctx.env, timeoutMs });
  return { status: 'Healthy', level: 100, message: 'process running' };
}
