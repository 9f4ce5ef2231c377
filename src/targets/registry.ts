// Target registry: one factory per key prefix (`local`, `agent`, `kubernetes`, `certificates`),
// instances created on first use per key and closed together. Registered explicitly (renovate-style),
// no global state. A factory that cannot build its target (a Node without a token source, a broken
// kubeconfig) yields a target that answers every call with that error as an Unknown cause, so one
// bad target never stops the others from being observed.
import { UserError } from '../model/errors.js';
import { type DesiredResource, type Health, type ObservedResource, unknownObservation, type UnknownCause } from '../model/resource.js';
import type { Task, TaskResult } from '../model/plan.js';
import type { Reachability, Target, TargetContext, TargetFactory, TargetScope } from './target.js';

export type RegistryContext = Omit<TargetContext, 'peer'>;

export class TargetRegistry {
  private readonly factories = new Map<string, TargetFactory>();
  private readonly instances = new Map<string, Promise<Target>>();

  constructor(
    private readonly ctx: RegistryContext,
    factories: TargetFactory[],
    private readonly scope: TargetScope,
  ) {
    for (const f of factories) this.factories.set(f.type, f);
  }

  /** The target for a key such as `agent:node-1`; the prefix before ':' picks the factory. */
  get(key: string): Promise<Target> {
    let t = this.instances.get(key);
    if (!t) {
      const factory = this.factoryOf(key);
      const ctx: TargetContext = { ...this.ctx, peer: (k) => this.get(k) };
      t = Promise.resolve()
        .then(() => factory.create(key, ctx, this.scope))
        .catch((err: unknown) => brokenTarget(key, { reason: 'error', message: `${key}: ${(err as Error).message}` }));
      this.instances.set(key, t);
    }
    return t;
  }

  /** Whether the resources of this key live on this machine (`boreas down` without --all). */
  onThisMachine(key: string): boolean {
    return this.factoryOf(key).onThisMachine;
  }

  async closeAll(): Promise<void> {
    const all = await Promise.allSettled(this.instances.values());
    await Promise.allSettled(all.map((r) => (r.status === 'fulfilled' ? r.value.close?.() : undefined)));
    this.instances.clear();
  }

  private factoryOf(key: string): TargetFactory {
    const type = key.split(':')[0];
    const factory = this.factories.get(type);
    if (!factory) throw new UserError(`no target handles "${key}" (known: ${[...this.factories.keys()].join(', ')})`);
    return factory;
  }
}

/** A target that could not be built: everything about it is Unknown, and applying fails. */
function brokenTarget(key: string, cause: UnknownCause): Target {
  return {
    key,
    kinds: [],
    probe: async (): Promise<Reachability> => ({ reachable: false, cause }),
    observe: async (resources: DesiredResource[]): Promise<ObservedResource[]> => resources.map((r) => unknownObservation(r.id, cause)),
    apply: async (_task: Task): Promise<TaskResult> => ({ outcome: 'failed', message: cause.message }),
    health: async (): Promise<Health> => ({ status: 'Unknown', level: 0, message: cause.message }),
  };
}
