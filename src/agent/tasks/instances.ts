// StartInstance / StopInstance / RemoveInstance: the controller's Instance resources run through the
// same runners the local target uses. `env` arrives resolved (secrets included) in the request only;
// it goes to the runner (and, in memory only, to the supervisor for restarts) and nowhere else.
import type { InstanceSpec } from '../../model/machine-specs.js';
import { runnerFor, supervisionOf, type AgentContext } from '../context.js';
import type { TaskHandler } from './handle.js';
import type { HandlerOutcome } from './types.js';

const startInstance: TaskHandler = (ctx, payload) => {
  const spec = payload.spec as unknown as InstanceSpec;
  return supervisionOf(ctx).exclusive(spec.instance, () => start(ctx, spec, payload.specHash as string, payload.env as Record<string, string>));
};

async function start(ctx: AgentContext, spec: InstanceSpec, specHash: string, env: Record<string, string>): Promise<HandlerOutcome> {
  const runner = runnerFor(ctx, spec.runtime);
  const locator = { runtime: spec.runtime, instance: spec.instance, app: spec.app, version: spec.version };
  if (spec.state === 'Stopped') {
    supervisionOf(ctx).unwatch(spec.instance);
    const outcome = await runner.stop(spec.instance, { spec, specHash });
    return { outcome, message: `${spec.instance} stopped`, locator };
  }
  // A start that fails leaves nothing watched: the supervisor must not bring back the previous spec
  // behind the controller's back (the controller decides: retry, roll back).
  supervisionOf(ctx).unwatch(spec.instance);
  const outcome = await runner.ensureRunning(spec, specHash, env);
  supervisionOf(ctx).watch(runner, spec, specHash, env);
  const seen = await runner.observe(spec.instance);
  const pid = outcome !== 'unchanged' && typeof seen.details?.pid === 'number' ? ` (pid ${seen.details.pid})` : '';
  return {
    outcome,
    message: `${spec.instance} ${outcome === 'unchanged' ? 'already running' : outcome === 'created' ? 'started' : 'restarted'}${pid}`,
    details: { ...(seen.fingerprint ? { fingerprint: seen.fingerprint } : {}), ...(seen.details ?? {}) },
    locator,
  };
}

const stopInstance: TaskHandler = (ctx, payload) =>
  supervisionOf(ctx).exclusive(payload.instance as string, async () => {
    supervisionOf(ctx).unwatch(payload.instance as string);
    const runner = runnerFor(ctx, payload.runtime as string);
    const outcome = await runner.stop(payload.instance as string);
    return {
      outcome,
      message: `${payload.instance} stopped`,
      locator: { runtime: payload.runtime as string, instance: payload.instance as string },
    } as HandlerOutcome;
  });

const removeInstance: TaskHandler = (ctx, payload) =>
  supervisionOf(ctx).exclusive(payload.instance as string, async () => {
    supervisionOf(ctx).unwatch(payload.instance as string);
    const runner = runnerFor(ctx, payload.runtime as string);
    const outcome = await runner.remove(payload.instance as string);
    ctx.state.forgetV1Instance(payload.instance as string);
    return { outcome, message: `${payload.instance} removed`, removed: true } as HandlerOutcome;
  });

export const instanceHandlers = { StartInstance: startInstance, StopInstance: stopInstance, RemoveInstance: removeInstance };
