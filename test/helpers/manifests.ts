// Builds ManifestSets in memory for tests of the pure stages (desired graph, planner) without files.
import { emptyManifestSet, type Application, type Environment, type ManifestSet, type Node, type Release } from '../../src/manifests/model.js';

const origin = (file: string) => ({ file, docIndex: 0, line: 1, col: 1 });

export function manifestSet(parts: { environments?: Environment[]; nodes?: Node[]; applications?: Application[]; releases?: Release[] }): ManifestSet {
  const set = emptyManifestSet();
  for (const m of parts.environments ?? []) set.environments.set(m.metadata.name, { manifest: m, origin: origin(`${m.metadata.name}.yaml`) });
  for (const m of parts.nodes ?? []) set.nodes.set(m.metadata.name, { manifest: m, origin: origin(`${m.metadata.name}.yaml`) });
  for (const m of parts.applications ?? []) set.applications.set(m.metadata.name, { manifest: m, origin: origin(`${m.metadata.name}.yaml`) });
  for (const m of parts.releases ?? []) set.releases.set(m.spec.application, { manifest: m, origin: origin(`${m.metadata.name}.yaml`) });
  return set;
}

export const localEnv = (name = 'dev'): Environment => ({ apiVersion: 'boreas.dev/v1', kind: 'Environment', metadata: { name }, spec: { type: 'local' } });

export function processApp(name: string, spec: Partial<Application['spec']> = {}): Application {
  return {
    apiVersion: 'boreas.dev/v1',
    kind: 'Application',
    metadata: { name },
    spec: {
      environment: 'dev',
      runtime: 'process',
      version: 'v1',
      process: { command: 'node', args: [`${name}.js`] },
      ports: [{ name: 'http', port: 18000 }],
      ...spec,
    },
  };
}
