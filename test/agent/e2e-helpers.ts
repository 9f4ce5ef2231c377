// Fixture for the multi-node end-to-end tests: N real agents (separate processes, ports, work dirs;
// each node gets its own loopback address 127.0.0.<10+i>, as machines have their own IP), a manifests
// directory with a pm Environment and one Node per agent, and the real `boreas` CLI.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentProcess, killInstances, type AgentDirs } from '../helpers/agent.js';
import { runCli, type CliResult } from '../helpers/cli.js';

/** The app every node runs: serves "<version> <instance> <host>" on its node's address; versions
 * named broken-* crash at start, unhealthy-* run but answer 503. */
const serverJs = `
const http = require('http');
const host = require('fs').readFileSync('../../host', 'utf8').trim();
if (process.env.BOREAS_VERSION.startsWith('broken')) process.exit(3);
const sick = process.env.BOREAS_VERSION.startsWith('unhealthy');
http.createServer((req, res) => (sick ? (res.statusCode = 503) : 0, res.end(process.env.BOREAS_VERSION + ' ' + process.env.BOREAS_INSTANCE + ' ' + host + '\\n')))
  .listen(Number(process.env.BOREAS_PORT_HTTP), host);
`;

export interface Fleet {
  dir: string;
  repo: string;
  state: string;
  server: string;
  agents: AgentProcess[];
  hosts: string[];
  writeManifest(name: string, text: string): void;
  cli(args: string[]): Promise<CliResult>;
  reconcile(extra?: string[]): Promise<CliResult>;
  /** `boreas status <app> --output v1-json`: health levels per version and node. */
  statusJson(app: string): Promise<any>;
  cleanup(): Promise<void>;
}

export async function startFleet(nodes: number, base: number): Promise<Fleet> {
  const dir = mkdtempSync(join(tmpdir(), 'boreas-e2e-'));
  const repo = join(dir, 'repo');
  mkdirSync(repo);
  const server = join(dir, 'server.js');
  writeFileSync(server, serverJs);
  const agents: AgentProcess[] = [];
  const hosts: string[] = [];
  for (let i = 1; i <= nodes; i++) {
    const root = join(dir, `node-${i}`);
    const dirs: AgentDirs = {
      root,
      workDir: join(root, 'work'),
      allowedRoot: join(root, 'allowed'),
      tokenFile: join(root, 'token'),
      token: `token-${i}-${Math.random().toString(36).slice(2)}`,
    };
    mkdirSync(dirs.workDir, { recursive: true });
    mkdirSync(dirs.allowedRoot, { recursive: true });
    writeFileSync(dirs.tokenFile, dirs.token, { mode: 0o600 });
    const host = `127.0.0.${base + i}`;
    writeFileSync(join(dirs.workDir, 'host'), host);
    hosts.push(host);
    agents.push(new AgentProcess(`node-${i}`, dirs));
  }
  await Promise.all(agents.map((a) => a.start()));
  const writeManifest = (name: string, text: string) => writeFileSync(join(repo, name), text);
  writeManifest('env.yaml', 'apiVersion: boreas.dev/v1\nkind: Environment\nmetadata: {name: edge}\nspec: {type: pm, nodeSelector: {role: web}}\n');
  agents.forEach((a, i) => {
    writeManifest(
      `node-${i + 1}.yaml`,
      `apiVersion: boreas.dev/v1\nkind: Node\nmetadata: {name: ${a.node}, labels: {role: web}}\nspec:\n  address: ${a.url.replace('http://', '')}\n  host: ${hosts[i]}\n  tokenFrom: {file: ${a.dirs.tokenFile}}\n`,
    );
  });
  const state = join(dir, 'state.db');
  const cli = (args: string[]) => runCli(args, { timeoutMs: 180_000 });
  return {
    dir,
    repo,
    state,
    server,
    agents,
    hosts,
    writeManifest,
    cli,
    reconcile: (extra = []) => cli(['reconcile', '--once', '--repo', repo, '--state', state, ...extra]),
    statusJson: async (app: string) => JSON.parse((await cli(['status', app, '--state', state, '--output', 'v1-json'])).stdout),
    cleanup: async () => {
      await Promise.all(agents.map((a) => a.stop('SIGKILL')));
      for (const a of agents) killInstances(a.dirs.workDir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The app manifest used by the tests. */
export function apiApp(server: string, extra = ''): string {
  return `apiVersion: boreas.dev/v1
kind: Application
metadata: {name: api}
spec:
  environment: edge
  runtime: process
  version: v1
  process: {command: ${process.execPath}, args: [${server}]}
  replicas: 3
  placement: {maxPerNode: 1}
  ports: [{name: http, port: 18080}]
  health: {http: {port: http, path: /}, intervalSeconds: 1, timeoutSeconds: 1}
${extra}`;
}

/** GET the app on one node's address. */
export async function hit(host: string, port = 18080): Promise<string> {
  try {
    return (await (await fetch(`http://${host}:${port}/`)).text()).trim();
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}
