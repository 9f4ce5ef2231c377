// StartInstance / StopInstance / RemoveInstance: the controller's Instance resources run through the
// same runners the local target uses. `env` arrives resolved (secrets included) in the request only;
// it goes to the runner and nowhere else (not logged, not recorded).
import type { InstanceSpec } from '../../runtime/instance-spec.js';
import { runnerFor } from '../context.js';
import type { TaskHandler } from './handle.js';

const startInstance: TaskHandler = async (ctx, payload) => {
  const spec = payload.spec as unknown as InstanceSpec;
  const runner = runnerFor(ctx, spec.runtime);
  const locator = { runtime: spec.runtime, instance: spec.instance, app: spec.app, version: spec.version };
  if (spec.state === 'Stopped') {
    const outcome = await runner.stop(spec.instance, { spec, specHash: payload.specHash as string });
    return { outcome, message: `${spec.instance} stopped`, locator };
  }
  const outcome = await runner.ensureRunning(spec, payload.specHash as string, payload.env as Record<string, string>);
  const seen = await runner.observe(spec.instance);
  return { outcome, message: `${spec.instance} ${outcome === 'unchanged' ? 'already running' : outcome === 'created' ? 'started' : 'restarted'}`, details: { ...(seen.fingerprint ? { fingerprint: seen.fingerprint } : {}), ...(seen.details ?? {}) }, locator };
};

const stopInstance: TaskHandler = async (ctx, payload) => {
  const runner = runnerFor(ctx, payload.runtime as string);
  const outcome = await runner.stop(payload.instance as string);
  return { outcome, message: `${payload.instance} stopped`, locator: { runtime: payload.runtime as string, instance: payload.instance as string } };
};

const removeInstance: TaskHandler = async (ctx, payload) => {
  const runner = runnerFor(ctx, payload.runtime as string);
  const outcome = await runner.remove(payload.instance as string);
  ctx.state.forgetSeedInstance(payload.instance as string);
  return { outcome, message: `${payload.instance} removed`, removed: true };
};

export const instanceHandlers = { StartInstance: startInstance, StopInstance: stopInstance, RemoveInstance: removeInstance };
