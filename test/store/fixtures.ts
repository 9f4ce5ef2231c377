// Small builders for the data the store and executor tests pass around.
import { looseResource } from '../helpers/resources.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { Task } from '../../src/model/plan.js';
import type { DesiredResource, Json, ObservedResource } from '../../src/model/resource.js';
import { hashJson } from '../../src/util/hash.js';

/** A temp directory removed when the test ends. */
export function tempDir(t: TestContext, prefix = 'boreas-store-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function resource(name: string, over: Partial<Omit<DesiredResource, 'spec'>> & { spec?: unknown } = {}): DesiredResource {
  const spec = (over.spec ?? { name, state: 'Running' }) as Json;
  return looseResource({
    id: `local/Instance/${name}`,
    target: 'local',
    kind: 'Instance',
    owner: over.owner ?? 'app',
    environment: 'dev',
    name,
    dependsOn: [],
    ...over,
    spec,
    hash: hashJson(spec),
  });
}

export function observed(id: string, over: Partial<ObservedResource> = {}): ObservedResource {
  return { id, state: 'present', health: { status: 'Healthy', level: 100 }, ...over };
}

export function task(name: string, over: Partial<Task> & { resource?: DesiredResource } = {}): Task {
  const res = over.resource ?? resource(name);
  return {
    key: over.key ?? `key-${name}`,
    revision: 'rev1',
    resourceId: res.id,
    target: res.target,
    action: 'create',
    dependsOn: [],
    ...over,
    resource: res,
  };
}
