// FAKE kube-apiserver: the resource types it serves (discovery), built-in ones plus those of
// established CustomResourceDefinitions.
export interface ResourceType {
  group: string; // '' = core
  version: string;
  kind: string;
  /** Plural resource name used in URLs. */
  name: string;
  singularName: string;
  namespaced: boolean;
  /** Has a `status` subresource: applies to the main resource ignore `status`. */
  statusSubresource: boolean;
  /** Short names `kubectl get` accepts (`deploy`, `svc`), from discovery. */
  shortNames?: string[];
  /** Categories (`all`) `kubectl get all` expands, from discovery. */
  categories?: string[];
  /** Served by a CRD (custom resource): unknown fields are pruned by its schema. */
  crd?: { schema?: unknown };
}

const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

const t = (
  group: string,
  version: string,
  kind: string,
  name: string,
  namespaced: boolean,
  statusSubresource: boolean,
  shortNames: string[] = [],
  categories: string[] = [],
): ResourceType => ({
  group,
  version,
  kind,
  name,
  singularName: kind.toLowerCase(),
  namespaced,
  statusSubresource,
  shortNames,
  categories,
});

const all = ['all'];

/** Built-ins served, with the short names and categories of the real server's discovery. */
export const builtinTypes: ResourceType[] = [
  t('', 'v1', 'Namespace', 'namespaces', false, true, ['ns']),
  t('', 'v1', 'ConfigMap', 'configmaps', true, false, ['cm']),
  t('', 'v1', 'Secret', 'secrets', true, false),
  t('', 'v1', 'Service', 'services', true, true, ['svc'], all),
  t('', 'v1', 'ServiceAccount', 'serviceaccounts', true, false, ['sa']),
  t('', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, true, ['pvc']),
  t('', 'v1', 'Pod', 'pods', true, true, ['po'], all),
  t('apps', 'v1', 'Deployment', 'deployments', true, true, ['deploy'], all),
  t('apps', 'v1', 'StatefulSet', 'statefulsets', true, true, ['sts'], all),
  t('apps', 'v1', 'DaemonSet', 'daemonsets', true, true, ['ds'], all),
  t('apps', 'v1', 'ReplicaSet', 'replicasets', true, true, ['rs'], all),
  t('batch', 'v1', 'Job', 'jobs', true, true, [], all),
  t('batch', 'v1', 'CronJob', 'cronjobs', true, true, ['cj'], all),
  t('networking.k8s.io', 'v1', 'Ingress', 'ingresses', true, true, ['ing']),
  t('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies', true, false, ['netpol']),
  t('autoscaling', 'v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, true, ['hpa'], all),
  t('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, true, ['pdb']),
  t('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, true, ['crd', 'crds']),
];

export const groupVersion = (r: { group: string; version: string }) => (r.group ? `${r.group}/${r.version}` : r.version);

/** APIResourceList of one group/version, main resources first then `<name>/status` subresources. */
export function resourceList(types: ResourceType[], gv: string): object | undefined {
  const mine = types.filter((r) => groupVersion(r) === gv);
  if (mine.length === 0) return undefined;
  const resources = [
    ...mine.map((r) => ({
      name: r.name,
      singularName: r.singularName,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs,
      ...(r.shortNames?.length ? { shortNames: r.shortNames } : {}),
      ...(r.categories?.length ? { categories: r.categories } : {}),
    })),
    ...mine
      .filter((r) => r.statusSubresource)
      .map((r) => ({ name: `${r.name}/status`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: ['get', 'patch', 'update'] })),
  ];
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources };
}

/** APIGroupList for `/apis` (every non-core group). */
export function groupList(types: ResourceType[]): object {
  const groups = new Map<string, Set<string>>();
  for (const r of types) if (r.group) (groups.get(r.group) ?? groups.set(r.group, new Set()).get(r.group)!).add(r.version);
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups].map(([name, versions]) => {
      const vs = [...versions].map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
      return { name, versions: vs, preferredVersion: vs[0] };
    }),
  };
}

/** Resource types a CRD object serves (one per served version). */
export function typesOfCrd(crd: { spec?: any }): ResourceType[] {
  const s = crd.spec ?? {};
  return (s.versions ?? [])
    .filter((v: any) => v.served !== false)
    .map((v: any) => ({
      group: s.group,
      version: v.name,
      kind: s.names?.kind,
      name: s.names?.plural,
      singularName: s.names?.singular ?? String(s.names?.kind ?? '').toLowerCase(),
      namespaced: s.scope !== 'Cluster',
      statusSubresource: !!v.subresources?.status,
      shortNames: s.names?.shortNames ?? [],
      categories: s.names?.categories ?? [],
      crd: { schema: v.schema?.openAPIV3Schema },
    }));
}
