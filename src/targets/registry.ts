// Target registry: one factory per key prefix (`local`, `agent`, `kubernetes`), instances created on
// first use per key and closed together. Registered explicitly (renovate-style), no global state.
import type { Target, TargetContext, TargetFactory } from './target.js';
import { UserError } from '../model/errors.js';

export class TargetRegistry {
  private readonly factories = new Map<string, TargetFactory>();
  private readonly instances = new Map<string, Promise<Target>>();

  constructor(
    private readonly ctx: TargetContext,
    factories: TargetFactory[],
  ) {
    for (const f of factories) this.factories.set(f.type, f);
  }

  /** The target for a key such as `agent:node-1`; the prefix before ':' picks the factory. */
  get(key: string): Promise<Target> {
    let t = this.instances.get(key);
    if (!t) {
      const type = key.split(':')[0];
      const factory = this.factories.get(type);
      if (!factory) throw new UserError(`no target handles "${key}" (known: ${[...this.factories.keys()].join(', ')})`);
      t = Promise.resolve(factory.create(key, this.ctx));
      this.instances.set(key, t);
    }
    return t;
  }

  /** The state directory targets keep their files in (and the state key beside it). */
  get stateDir(): string {
    return this.ctx.stateDir;
  }

  async closeAll(): Promise<void> {
    const all = await Promise.allSettled(this.instances.values());
    await Promise.allSettled(all.map((r) => (r.status === 'fulfilled' ? r.value.close?.() : undefined)));
    this.instances.clear();
  }
}
