// StartInstance / StopInstance / RemoveInstance: the controller's Instance resources run through the
// same runners the local target uses. `env` arrives resolved (secrets included) in the request only;
// it goes to the runner (and, in memory only, to the supervisor for restarts) and nowhere else.
import type { InstanceSpec } from '../../model/machine-specs.js';
import { runnerFor, supervisionOf, type AgentContext } from '../context.js';
import type { HandlerOutcome, TaskHandlers } from './types.js';

const startInstance: TaskHandlers['StartInstance'] = (ctx, { spec, specHash, env }) =>
  supervisionOf(ctx).exclusive(spec.instance, () => start(ctx, spec, specHash, env));

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

const stopInstance: TaskHandlers['StopInstance'] = (ctx, { runtime, instance }) =>
  supervisionOf(ctx).exclusive(instance, async () => {
    supervisionOf(ctx).unwatch(instance);
    const runner = runnerFor(ctx, runtime);
    const outcome = await runner.stop(instance);
    return { outcome, message: `${instance} stopped`, locator: { runtime, instance } };
  });

const removeInstance: TaskHandlers['RemoveInstance'] = (ctx, { runtime, instance }) =>
  supervisionOf(ctx).exclusive(instance, async () => {
    supervisionOf(ctx).unwatch(instance);
    const runner = runnerFor(ctx, runtime);
    const outcome = await runner.remove(instance);
    ctx.state.forgetV1Instance(instance);
    return { outcome, message: `${instance} removed`, removed: true };
  });

export const instanceHandlers: Pick<TaskHandlers, 'StartInstance' | 'StopInstance' | 'RemoveInstance'> = {
  StartInstance: startInstance,
  StopInstance: stopInstance,
  RemoveInstance: removeInstance,
};
