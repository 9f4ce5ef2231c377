// Builds manifest repositories of `local` process applications for end-to-end tests: real processes
// (test/fixtures/servers/http-app.js) on free 127.0.0.1 ports, a real git repo, a state file in a
// temp dir, and cleanup that runs `boreas down` so no process outlives the test.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/util/paths.js';
import { createGitRepo, type GitRepo } from './git-repo.js';
import { runCli, type CliResult } from './cli.js';

export const httpApp = join(packageRoot, 'test', 'fixtures', 'servers', 'http-app.js');

export { freePort } from './ports.js';

export interface AppOptions {
  name: string;
  port: number;
  replicas?: number;
  version?: string;
  env?: Record<string, string>;
  dependsOn?: string[];
  relation?: { name: string; application: string };
  /** Template of a config file passed to the app as --config. */
  configTemplate?: string;
  state?: 'Running' | 'Stopped';
}

export function environmentYaml(name = 'dev'): string {
  return `apiVersion: boreas.dev/v1\nkind: Environment\nmetadata: {name: ${name}}\nspec: {type: local}\n`;
}

export function appYaml(o: AppOptions, startLog: string): string {
  const env = { START_LOG: startLog, ...(o.env ?? {}) };
  const lines = [
    'apiVersion: boreas.dev/v1',
    'kind: Application',
    `metadata: {name: ${o.name}}`,
    'spec:',
    '  environment: dev',
    '  runtime: process',
    `  version: ${o.version ?? 'v1'}`,
    `  replicas: ${o.replicas ?? 1}`,
    `  process: {command: node, args: [${JSON.stringify(httpApp)}${o.configTemplate ? ', --config, app.conf' : ''}]}`,
    `  ports: [{name: http, port: ${o.port}}]`,
    '  health: {http: {port: http, path: /healthz}, intervalSeconds: 1, timeoutSeconds: 1}',
    `  env: ${JSON.stringify(env)}`,
  ];
  if (o.state) lines.push(`  state: ${o.state}`);
  if (o.dependsOn) lines.push(`  dependsOn: [${o.dependsOn.join(', ')}]`);
  if (o.relation) lines.push(`  relations: [{name: ${o.relation.name}, application: ${o.relation.application}, port: http}]`);
  if (o.configTemplate) lines.push('  files:', `    - {path: app.conf, mode: "0640", template: ${JSON.stringify(o.configTemplate)}}`);
  return lines.join('\n') + '\n';
}

export interface Fleet {
  repo: GitRepo;
  stateFile: string;
  startLog: string;
  /** Writes the apps (and the environment) and commits; returns the commit SHA. */
  setApps(apps: AppOptions[], message?: string): Promise<string>;
  cli(args: string[], opts?: { env?: NodeJS.ProcessEnv }): Promise<CliResult>;
  /** Starts per instance, from the apps' start log. */
  starts(): Promise<Map<string, number>>;
  get(port: number, path?: string): Promise<{ status: number; body: any }>;
  cleanup(): Promise<void>;
}

export async function createFleet(): Promise<Fleet> {
  const repo = await createGitRepo();
  const stateDir = await mkdtemp(join(tmpdir(), 'boreas-state-'));
  const stateFile = join(stateDir, 'state.db');
  const startLog = join(stateDir, 'starts.log');
  const fleet: Fleet = {
    repo,
    stateFile,
    startLog,
    async setApps(apps, message = 'apps') {
      await rm(join(repo.dir, 'apps'), { recursive: true, force: true });
      const files: Record<string, string> = { 'environment.yaml': environmentYaml() };
      for (const a of apps) files[`apps/${a.name}.yaml`] = appYaml(a, startLog);
      await repo.write(files);
      return repo.commit(message);
    },
    cli: (args, opts) => runCli([...args, '--state', stateFile], { env: opts?.env, timeoutMs: 120_000 }),
    async starts() {
      const text = await readFile(startLog, 'utf8').catch(() => '');
      const counts = new Map<string, number>();
      for (const line of text.split('\n').filter(Boolean)) {
        const inst = line.split(' ')[0];
        counts.set(inst, (counts.get(inst) ?? 0) + 1);
      }
      return counts;
    },
    async get(port, path = '/') {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      const text = await res.text();
      let body: any = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, body };
    },
    async cleanup() {
      await runCli(['down', '--state', stateFile]).catch(() => undefined);
      await repo.cleanup();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
  return fleet;
}

/** Reconcile arguments for a fleet repo. */
export const reconcileArgs = (fleet: Fleet, ...extra: string[]) => ['reconcile', '--once', '--repo', fleet.repo.dir, '--timeout', '60s', ...extra];
