// Fixture for Ingress/Certificate end-to-end tests on edge nodes run by agents: N real `boreas agent`
// processes, each with its own real nginx (test/helpers/nginx.ts). Every node has its own loopback
// address (127.0.0.<base+i>), as machines have their own IP, so all nginx listen on the SAME http and
// https ports, as real edges do (and as pebble needs: it validates http-01 on one port). A pm
// Environment places a `process` backend (2 replicas, one per node) that answers with its instance
// and node address, and the real `boreas` CLI reconciles a plain manifests directory.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { AgentProcess, killInstances, type AgentDirs } from '../helpers/agent.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { freePort, startNginx, waitFor, type TestNginx } from '../helpers/nginx.js';

const serverJs = `
const http = require('http');
const host = require('fs').readFileSync('../../host', 'utf8').trim();
http.createServer((req, res) => res.end(process.env.BOREAS_INSTANCE + ' on ' + host + ' via ' + req.headers['x-forwarded-proto'] + '\\n'))
  .listen(Number(process.env.BOREAS_PORT_HTTP), host);
`;

export interface EdgeFleet {
  dir: string;
  repo: string;
  state: string;
  hosts: string[];
  nginx: TestNginx[];
  agents: AgentProcess[];
  httpPort: number;
  httpsPort: number;
  writeManifest(name: string, text: string): void;
  cli(args: string[], env?: NodeJS.ProcessEnv): Promise<CliResult>;
  /** `reconcile --once --output json`: the exit code and the last JSON line (the summary). */
  reconcile(env?: NodeJS.ProcessEnv): Promise<{ code: number; summary: any; out: string }>;
  /** Waits until every reload each nginx received has taken effect (old workers gone). */
  settled(): Promise<void>;
  cleanup(): Promise<void>;
}

/** Starts `nodes` nginx + agent pairs; nothing is reconciled yet. */
export async function startEdgeFleet(nodes: number, base: number): Promise<EdgeFleet> {
  const dir = mkdtempSync(join(tmpdir(), 'boreas-edge-agents-'));
  const repo = join(dir, 'repo');
  mkdirSync(repo);
  const server = join(dir, 'server.js');
  writeFileSync(server, serverJs);
  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  const hosts: string[] = [];
  const nginx: TestNginx[] = [];
  const agents: AgentProcess[] = [];
  const writeManifest = (name: string, text: string) => writeFileSync(join(repo, name), text);
  const state = join(dir, 'state.db');
  const cli = (args: string[], env?: NodeJS.ProcessEnv) => runCli(args, { timeoutMs: 180_000, env });
  const fleet: EdgeFleet = {
    dir,
    repo,
    state,
    hosts,
    nginx,
    agents,
    httpPort,
    httpsPort,
    writeManifest,
    cli,
    async reconcile(env) {
      const r = await cli(['reconcile', '--once', '--repo', repo, '--state', state, '--output', 'json', '--timeout', '90s'], env);
      const last = r.stdout.trim().split('\n').pop() ?? '';
      let summary: any;
      try {
        summary = JSON.parse(last);
      } catch {
        summary = undefined;
      }
      return { code: r.code, summary, out: r.stdout + r.stderr };
    },
    async settled() {
      const count = (log: string, needle: string) => log.split(needle).length - 1;
      for (const n of nginx) {
        await waitFor(
          async () => {
            const log = await n.errorLog();
            return count(log, 'gracefully shutting down') >= count(log, '(SIGHUP) received');
          },
          10_000,
          'nginx reloads to take effect',
        );
      }
    },
    async cleanup() {
      await cli(['down', '--state', state]).catch(() => undefined);
      await Promise.all(agents.map((a) => a.stop('SIGKILL')));
      for (const a of agents) killInstances(a.dirs.workDir);
      await Promise.all(nginx.map((n) => n.stop().catch(() => undefined)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    for (let i = 1; i <= nodes; i++) {
      const host = `127.0.0.${base + i}`;
      hosts.push(host);
      const n = await startNginx({ httpPort, httpsPort, listenAddress: host });
      nginx.push(n);
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
      writeFileSync(join(dirs.workDir, 'host'), host);
      const f = n.facts;
      agents.push(
        new AgentProcess(`edge-${i}`, dirs, [
          '--nginx-conf-dir',
          f.confDir,
          '--nginx-cert-dir',
          f.certDir,
          '--nginx-webroot',
          f.webroot,
          '--nginx-listen-address',
          host,
          '--nginx-test-command',
          f.testCommand.join(' '),
          '--nginx-reload-command',
          f.reloadCommand.join(' '),
          '--nginx-http-port',
          String(httpPort),
          '--nginx-https-port',
          String(httpsPort),
        ]),
      );
    }
    await Promise.all(agents.map((a) => a.start()));
  } catch (err) {
    await fleet.cleanup();
    throw err;
  }
  writeManifest('env.yaml', 'apiVersion: boreas.dev/v1\nkind: Environment\nmetadata: {name: edge}\nspec: {type: pm, nodeSelector: {role: edge}}\n');
  agents.forEach((a, i) => {
    writeManifest(
      `node-${i + 1}.yaml`,
      `apiVersion: boreas.dev/v1\nkind: Node\nmetadata: {name: ${a.node}, labels: {role: edge}}\nspec:\n  address: ${a.url.replace('http://', '')}\n  host: ${hosts[i]}\n  tokenFrom: {file: ${a.dirs.tokenFile}}\n`,
    );
  });
  writeManifest(
    'shop.yaml',
    `apiVersion: boreas.dev/v1
kind: Application
metadata: {name: shop}
spec:
  environment: edge
  runtime: process
  version: v1
  process: {command: ${process.execPath}, args: [${server}]}
  replicas: ${nodes}
  placement: {maxPerNode: 1}
  ports: [{name: http, port: ${await freePort()}}]
  health: {http: {port: http, path: /}, intervalSeconds: 1, timeoutSeconds: 1}
`,
  );
  return fleet;
}

/** An Ingress on every edge node (nodeSelector) for `hosts`, TLS by `certificate`. */
export function ingressManifest(hosts: string[], certificate: string): string {
  return `apiVersion: boreas.dev/v1
kind: Ingress
metadata: {name: shop}
spec:
  hosts: [${hosts.join(', ')}]
  nodeSelector: {role: edge}
  tls: {certificate: ${certificate}}
  rules: [{application: shop, port: http}]
`;
}

/** GET https://<address>:<port>/ with SNI and Host `servername`, verifying against `ca`. */
export async function httpsGet(address: string, port: number, servername: string, ca: string): Promise<{ status: number; body: string }> {
  const dispatcher = new Agent({ connect: { ca, servername } });
  try {
    const res = await request(`https://${address}:${port}/`, { dispatcher, headers: { host: servername } });
    const body = await res.body.text();
    return { status: res.statusCode, body: body.trim() };
  } finally {
    await dispatcher.close();
  }
}

/** SHA-256 fingerprint (hex, as `status` shows it) of the certificate a TLS server presents for `servername` (verified against `ca`). */
export async function servedFingerprint(address: string, port: number, servername: string, ca: string): Promise<string> {
  const { connect } = await import('node:tls');
  return new Promise((resolve, reject) => {
    const s = connect({ host: address, port, servername, ca }, () => {
      const fp = s.getPeerCertificate().fingerprint256.replace(/:/g, '').toLowerCase();
      s.end();
      resolve(fp);
    });
    s.once('error', reject);
  });
}
