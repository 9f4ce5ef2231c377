// Builds local-target contexts and desired resources by hand for target tests.
import type { TestContext } from 'node:test';
import type { Task } from '../../../src/model/plan.js';
import type { DesiredResource, Json } from '../../../src/model/resource.js';
import type { FileSpec, InstanceSpec } from '../../../src/runtime/instance-spec.js';
import type { Store } from '../../../src/store/store.js';
import type { TargetContext } from '../../../src/targets/target.js';
import { LocalTarget } from '../../../src/targets/local/index.js';
import { hashJson } from '../../../src/util/hash.js';
import { createLogger } from '../../../src/util/logger.js';
import { resolveSecret } from '../../../src/secrets/index.js';

export function localTarget(stateDir: string, repoDir: string): LocalTarget {
  const ctx: TargetContext = { store: {} as Store, log: createLogger({ level: 'error' }), stateDir, repoDir, resolveSecret };
  return new LocalTarget('local', ctx);
}

export function instanceResource(spec: InstanceSpec, dependsOn: string[] = []): DesiredResource {
  return {
    id: `local/Instance/${spec.instance}`,
    target: 'local',
    kind: 'Instance',
    owner: spec.app,
    environment: 'dev',
    name: spec.instance,
    spec: spec as unknown as Json,
    hash: hashJson(spec),
    dependsOn,
  };
}

export function fileResource(spec: FileSpec): DesiredResource {
  return {
    id: `local/File/${spec.instance}/${spec.path}`,
    target: 'local',
    kind: 'File',
    owner: spec.app,
    environment: 'dev',
    name: `${spec.instance}:${spec.path}`,
    spec: spec as unknown as Json,
    hash: hashJson(spec),
    dependsOn: [],
    rendered: { [spec.path]: spec.content },
  };
}

export function task(resource: DesiredResource, action: Task['action'] = 'create'): Task {
  return { key: `${resource.id}:${action}:${resource.hash}`, revision: 'r1', resourceId: resource.id, target: 'local', action, resource, dependsOn: [] };
}

export type { TestContext };
