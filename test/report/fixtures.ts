// Hand-built plans for the report tests: one change of each action, with field and text diffs.
import type { Change, Plan } from '../../src/model/plan.js';
import type { DesiredResource, Json } from '../../src/model/resource.js';
import { unifiedDiff } from '../../src/util/unified-diff.js';
import { looseResource } from '../helpers/resources.js';

export function resource(partial: Partial<DesiredResource> & Pick<DesiredResource, 'kind' | 'owner' | 'name'>, spec: Json = {}): DesiredResource {
  const target = partial.target ?? 'local';
  return looseResource({
    id: partial.id ?? `${target}/${partial.kind}/${partial.name}`,
    target,
    environment: partial.environment ?? 'local',
    hash: 'h-' + partial.name,
    dependsOn: [],
    ...partial,
    spec: partial.spec ?? spec,
  });
}

export function change(action: Change['action'], r: DesiredResource, extra: Partial<Change> = {}): Change {
  const reason: Change['reason'] = (
    { create: 'NotFound', update: 'SpecChanged', delete: 'Pruned', repair: 'Drifted', replace: 'SpecChanged', adopt: 'OwnedElsewhere' } as const
  )[action];
  return {
    action,
    reason,
    message: {
      create: 'not on local',
      update: 'desired spec changed',
      delete: 'no longer in Git (applied at 0123456789ab)',
      repair: 'process exited (pid 4242 not running)',
      replace: 'desired spec changed; spec.selector cannot change in place: deleted and re-created',
      adopt: 'adopt (owned by application web): taken over (kubernetes.adopt: true)',
    }[action],
    desired: action === 'delete' ? undefined : r,
    id: r.id,
    target: r.target,
    kind: r.kind,
    owner: r.owner,
    environment: r.environment,
    name: r.name,
    fields: [],
    textDiffs: {},
    ...extra,
  };
}

export const headSha = 'f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed';
export const baseSha = 'ba5eba5eba5eba5eba5eba5eba5eba5eba5eba5e';

/** create + update (fields + file diff) + delete + repair across two apps and two environments. */
export function samplePlan(): Plan {
  const apiInst = resource({ kind: 'Instance', owner: 'api', name: 'api-1' }, { version: 'v2', env: { DB_PASSWORD: { valueFrom: { env: 'DB_PASSWORD' } } } });
  const apiFile = resource({ kind: 'File', owner: 'api', name: '/etc/api/config.yaml' }, { content: 'port: 8081\n' });
  return {
    revision: headSha,
    unchanged: 3,
    orphans: [],
    unknown: [],
    unknownTargets: [],
    changes: [
      change('create', resource({ kind: 'Instance', owner: 'api', name: 'api-0' })),
      change('update', apiInst, { fields: [{ path: 'version', before: 'v1', after: 'v2' }] }),
      change('update', apiFile, {
        fields: [],
        textDiffs: { '/etc/api/config.yaml': unifiedDiff('/etc/api/config.yaml', 'name: api\nport: 8080\n', 'name: api\nport: 8081\n') },
      }),
      change('repair', resource({ kind: 'Instance', owner: 'web', name: 'web-0' })),
      change('delete', resource({ kind: 'Instance', owner: 'old', name: 'old-0', environment: 'prod', target: 'agent:node-1' })),
    ],
  };
}
