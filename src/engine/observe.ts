// Observe stage: asks each target about its resources, all targets at once. A target that cannot be
// reached yields Unknown observations (the node is offline) instead of failing the whole pass; the
// reconcile then reports it as not converged.
import type { DesiredResource, ObservedResource } from '../model/resource.js';
import type { Logger } from '../util/logger.js';
import type { TargetRegistry } from '../targets/registry.js';

export async function observeAll(resources: DesiredResource[], registry: TargetRegistry, log: Logger): Promise<Map<string, ObservedResource>> {
  const byTarget = new Map<string, DesiredResource[]>();
  for (const r of resources) (byTarget.get(r.target) ?? byTarget.set(r.target, []).get(r.target)!).push(r);
  const out = new Map<string, ObservedResource>();
  await Promise.all(
    [...byTarget].map(async ([key, list]) => {
      try {
        const target = await registry.get(key);
        for (const o of await target.observe(list)) out.set(o.id, o);
      } catch (err) {
        log.warn('target could not be observed', { target: key, error: (err as Error).message });
        // Unknown, not absent: planning a re-create of what probably still runs would be wrong.
        for (const r of list) {
          out.set(r.id, {
            id: r.id,
            exists: true,
            health: { status: 'Unknown', level: 0, message: `${key} could not be observed: ${(err as Error).message}` },
            details: { offline: true, error: (err as Error).message },
          });
        }
      }
    }),
  );
  return out;
}
