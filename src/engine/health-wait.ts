// Waiting for a changed resource to settle (flux `wait`, argo health): poll the target until the
// resource reports level 100, the timeout passes, or the run is aborted. A sync hook (a migration Job,
// a Pod) that reports Degraded has failed for good (a failed Job does not recover): the wait ends there,
// as Argo CD fails a sync on a failed hook, instead of polling until the timeout.
import type { ChangeAction } from '../model/plan.js';
import type { DesiredResource, Health } from '../model/resource.js';
import type { Target } from '../targets/target.js';
import { sleep } from '../util/sleep.js';

export interface HealthWaitOptions {
  timeoutMs: number;
  intervalMs: number;
  signal?: AbortSignal;
}

export type HealthWaitResult = { healthy: true; health: Health; waitedMs: number } | { healthy: false; health: Health; waitedMs: number; message: string };

/** Deletes and stopped instances have nothing to become healthy. */
export function needsHealthWait(action: ChangeAction, resource: DesiredResource): boolean {
  if (action === 'delete') return false;
  return !(resource.kind === 'Instance' && resource.spec.state === 'Stopped');
}

export async function waitHealthy(target: Target, resource: DesiredResource, opts: HealthWaitOptions): Promise<HealthWaitResult> {
  const started = Date.now();
  let last: Health = { status: 'Unknown', level: 0, message: 'health not checked yet' };
  for (;;) {
    try {
      last = await target.health(resource);
    } catch (err) {
      // A probe that throws is "not healthy yet", not a verdict: the process may still be starting.
      last = { status: 'Unknown', level: 0, message: `health check error: ${(err as Error).message}` };
    }
    const waitedMs = Date.now() - started;
    if (last.level >= 100) return { healthy: true, health: last, waitedMs };
    if (resource.hook && last.status === 'Degraded')
      return { healthy: false, health: last, waitedMs, message: `hook failed: ${last.status}${last.message ? ` ${last.message}` : ''}` };
    const remaining = opts.timeoutMs - waitedMs;
    if (remaining <= 0 || opts.signal?.aborted) {
      const why = opts.signal?.aborted ? 'aborted while waiting for health' : `not healthy after ${formatMs(opts.timeoutMs)}`;
      return { healthy: false, health: last, waitedMs, message: `${why}: ${last.status} (${last.level})${last.message ? ` ${last.message}` : ''}` };
    }
    await sleep(Math.min(opts.intervalMs, remaining), opts.signal);
  }
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10}s` : `${ms}ms`;
}
