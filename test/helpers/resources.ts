// Hand-built resources for unit tests of the planner, executor, store and reports. Their specs are
// whatever the test needs (the code under test treats specs as opaque), so they are built loosely and
// typed once here instead of with a cast per test.
import type { DesiredResource, ObservedResource } from '../../src/model/resource.js';

export type LooseResource = Omit<DesiredResource, 'kind' | 'spec'> & { kind: DesiredResource['kind']; spec: unknown };

/** A resource with any spec. */
export function looseResource(r: LooseResource): DesiredResource {
  return r as unknown as DesiredResource;
}

/** A present observation with the given applied hash (and anything else the test sets). */
export function present(id: string, extra: Partial<ObservedResource> = {}): ObservedResource {
  return { id, state: 'present', health: { status: 'Healthy', level: 100 }, ...extra };
}

/** An absent observation. */
export function absent(id: string, extra: Partial<ObservedResource> = {}): ObservedResource {
  return { id, state: 'absent', health: { status: 'Missing', level: 0 }, ...extra };
}
