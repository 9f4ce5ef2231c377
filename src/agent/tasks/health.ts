// HealthProbe (docs/design.md, Agent protocol): one http/tcp/exec/process probe on the node, reported in the task
// result. A probe that finds the target unhealthy is still a successful task (the answer is the
// health); only a probe that cannot be run at all fails.
import type { HealthCheckSpec } from '../../model/machine-specs.js';
import { runHealthCheck } from '../../runtime/health/index.js';
import { runnerFor } from '../context.js';
import type { TaskHandlers } from './types.js';

const probe: TaskHandlers['HealthProbe'] = async (ctx, payload) => {
  const check: Partial<HealthCheckSpec> = payload.check;
  let running = true;
  if (payload.instance && payload.runtime) running = (await runnerFor(ctx, payload.runtime).observe(payload.instance)).running;
  const spec: HealthCheckSpec = { intervalSeconds: 10, initialDelaySeconds: 0, failureThreshold: 1, timeoutSeconds: 2, ...check };
  const health = await runHealthCheck(spec, { host: payload.host ?? '127.0.0.1', running });
  return { outcome: 'unchanged', message: health.message, details: { health: { status: health.status, level: health.level, msg: health.message ?? '' } } };
};

export const healthHandlers: Pick<TaskHandlers, 'HealthProbe'> = { HealthProbe: probe };
