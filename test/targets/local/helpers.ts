// Builds the local target and desired resources by hand for target tests.
import type { TestContext } from 'node:test';
import { resolveSecret } from '../../../src/secrets/index.js';
import type { FileSpec, InstanceSpec } from '../../../src/model/machine-specs.js';
import type { Task } from '../../../src/model/plan.js';
import type { DesiredResource, FileResource, InstanceResource } from '../../../src/model/resource.js';
import type { Store } from '../../../src/store/store.js';
import { createLocalTargetFactory, type LocalTargetOptions } from '../../../src/targets/local/index.js';
import type { Target, TargetScope } from '../../../src/targets/target.js';
import { hashJson } from '../../../src/util/hash.js';
import { createLogger } from '../../../src/util/logger.js';

const noScope: TargetScope = { node: () => undefined, environment: () => undefined, environments: () => [] };

/** The local target over `stateDir`, as the registry builds it (store unused by machine resources). */
export async function localTarget(stateDir: string, repoDir: string, opts: LocalTargetOptions & { scope?: TargetScope; store?: Store } = {}): Promise<Target> {
  const factory = createLocalTargetFactory(opts);
  return factory.create(
    'local',
    {
      store: opts.store ?? ({} as Store),
      log: createLogger({ level: 'error' }),
      stateDir,
      repoDir,
      resolveSecret,
      readOnly: false,
      peer: () => Promise.reject(new Error('no peers in this test')),
    },
    opts.scope ?? noScope,
  );
}

export function instanceResource(spec: InstanceSpec, dependsOn: string[] = []): InstanceResource {
  return {
    id: `local/Instance/${spec.instance}`,
    target: 'local',
    kind: 'Instance',
    owner: spec.app,
    environment: 'dev',
    name: spec.instance,
    spec,
    hash: hashJson(spec),
    dependsOn,
  };
}

export function fileResource(spec: FileSpec): FileResource {
  return {
    id: `local/File/${spec.instance}/${spec.path}`,
    target: 'local',
    kind: 'File',
    owner: spec.app,
    environment: 'dev',
    name: `${spec.instance}:${spec.path}`,
    spec,
    hash: hashJson(spec),
    dependsOn: [],
    rendered: { [spec.path]: spec.content },
  };
}

let planned = 0;

/** A task as a plan makes it: a fresh idempotency key each time (a plan's key includes what was observed). */
export function task(resource: DesiredResource, action: Task['action'] = 'create'): Task {
  return {
    key: `${resource.id}:${action}:${resource.hash}:${++planned}`,
    revision: 'r1',
    resourceId: resource.id,
    target: 'local',
    action,
    resource,
    dependsOn: [],
  };
}

/** The same task again (same key): the target answers from its record. */
export function again(t: Task): Task {
  return { ...t };
}

export type { TestContext };
