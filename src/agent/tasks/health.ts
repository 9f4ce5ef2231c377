// HealthProbe (docs/design.md, Agent protocol): one http/tcp/exec/process probe on the node, reported in the task
// result. A probe that finds the target unhealthy is still a successful task (the answer is the
// health); only a probe that cannot be run at all fails.
import type { HealthCheckSpec } from '../../model/machine-specs.js';
import { runHealthCheck } from '../../runtime/health/index.js';
import { runnerFor } from '../context.js';
import type { TaskHandler } from './handle.js';

const probe: TaskHandler = async (ctx, payload) => {
  const check = payload.check as unknown as Partial<HealthCheckSpec>;
  let running = true;
  if (payload.instance) running = (await runnerFor(ctx, payload.runtime as string).observe(payload.instance as string)).running;
  const spec = { intervalSeconds: 10, initialDelaySeconds: 0, failureThreshold: 1, timeoutSeconds: 2, ...check } as HealthCheckSpec;
  const health = await runHealthCheck(spec, { host: (payload.host as string | undefined) ?? '127.0.0.1', running });
  return { outcome: 'unchanged', message: health.message, details: { health: { status: health.status, level: health.level, msg: health.message ?? '' } } };
};

export const healthHandlers = { HealthProbe: probe };
