// A real nginx for tests: its own prefix dir (pid, logs, temp paths, conf), `daemon off` as a child
// of the test, listening on 127.0.0.1 ports chosen by the test, including `<confDir>/*.conf` where
// sites are deployed. Reloads are counted from nginx's own error log (one "SIGHUP" line each).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NginxNodeFacts } from '../../src/model/edge-specs.js';

export const nginxBinary = process.env.BOREAS_TEST_NGINX ?? 'nginx';

/** Why nginx cannot run here, or undefined when it can. */
export function nginxUnavailable(): string | undefined {
  const r = spawnSync(nginxBinary, ['-v'], { encoding: 'utf8' });
  return r.error ? `nginx binary not found (${nginxBinary}): ${r.error.message}` : undefined;
}

import { freePort } from './ports.js';
export { freePort };

export interface TestNginx {
  dir: string;
  facts: NginxNodeFacts;
  /** Number of reloads nginx has performed since start. */
  reloads(): Promise<number>;
  /** Waits until nginx has performed at least `n` reloads and the new workers are up. */
  waitForReloads(n: number, timeoutMs?: number): Promise<void>;
  errorLog(): Promise<string>;
  stop(): Promise<void>;
}

/** Starts nginx under a fresh prefix dir; call stop() (t.after) to quit it and remove the dir. */
/** `listenAddress` (default 127.0.0.1): another loopback address lets two nginx share one port, like two machines. */
export async function startNginx(opts: { httpPort?: number; httpsPort?: number; listenAddress?: string } = {}): Promise<TestNginx> {
  const addr = opts.listenAddress ?? '127.0.0.1';
  const dir = await mkdtemp(join(tmpdir(), 'boreas-nginx-'));
  // Workers run as www-data: they must be able to traverse to the webroot.
  await chmod(dir, 0o755);
  const confDir = join(dir, 'sites');
  const certDir = join(dir, 'certs');
  const webroot = join(dir, 'webroot');
  for (const d of ['conf', 'logs', 'temp', confDir, certDir, webroot]) await mkdir(join(dir, d), { recursive: true, mode: 0o755 });
  const httpPort = opts.httpPort ?? (await freePort());
  const httpsPort = opts.httpsPort ?? (await freePort());
  const conf = join(dir, 'conf', 'nginx.conf');
  await writeFile(conf, baseConfig(dir, confDir, webroot, httpPort, addr));
  const base = [nginxBinary, '-p', dir, '-c', conf];
  const facts: NginxNodeFacts = {
    httpPort,
    httpsPort,
    confDir,
    certDir,
    webroot,
    listenAddress: addr,
    testCommand: [...base, '-t', '-q'],
    reloadCommand: [...base, '-s', 'reload'],
  };
  const child: ChildProcess = spawn(base[0], base.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`nginx exited at start: ${stderr}${await readFile(join(dir, 'logs', 'error.log'), 'utf8').catch(() => '')}`);
      return canConnect(httpPort, addr);
    },
    5000,
    'nginx to listen',
  );

  const errorLog = () => readFile(join(dir, 'logs', 'error.log'), 'utf8').catch(() => '');
  const reloads = async () => (await errorLog()).split('\n').filter((l) => l.includes('(SIGHUP) received')).length;
  return {
    dir,
    facts,
    errorLog,
    reloads,
    async waitForReloads(n, timeoutMs = 5000) {
      await waitFor(
        async () => {
          const log = await errorLog();
          const idx = nthIndex(log, '(SIGHUP) received', n);
          // the old worker stops accepting once it logs its graceful shutdown; then the new config serves
          return idx >= 0 && log.indexOf('gracefully shutting down', idx) >= 0;
        },
        timeoutMs,
        `${n} nginx reload(s)`,
      );
      await new Promise((r) => setTimeout(r, 50));
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGQUIT');
        const t = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(t);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function baseConfig(dir: string, confDir: string, webroot: string, httpPort: number, addr: string): string {
  return `daemon off;
master_process on;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log notice;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path ${dir}/temp/client;
    proxy_temp_path ${dir}/temp/proxy;
    fastcgi_temp_path ${dir}/temp/fastcgi;
    uwsgi_temp_path ${dir}/temp/uwsgi;
    scgi_temp_path ${dir}/temp/scgi;
    # Catch-all so ACME http-01 works for hosts that have no site yet (first issuance).
    server {
        listen ${addr}:${httpPort} default_server;
        location ^~ /.well-known/acme-challenge/ { root ${webroot}; default_type text/plain; }
        location / { return 404; }
    }
    include ${confDir}/*.conf;
}
`;
}

function nthIndex(s: string, needle: string, n: number): number {
  let i = -1;
  for (let k = 0; k < n; k++) {
    i = s.indexOf(needle, i + 1);
    if (i < 0) return -1;
  }
  return n === 0 ? 0 : i;
}

function canConnect(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, host);
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/** Polls until fn returns true; fails with `what` after the timeout. */
export async function waitFor(fn: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A local Environment whose spec.nginx declares this nginx: the local edge as Git declares it. */
export function localEnvironmentYaml(name: string, f: NginxNodeFacts): string {
  const list = (argv: string[]) => `[${argv.map((a) => JSON.stringify(a)).join(', ')}]`;
  return [
    'apiVersion: boreas.dev/v1',
    'kind: Environment',
    `metadata: {name: ${name}}`,
    'spec:',
    '  type: local',
    '  nginx:',
    `    confDir: ${f.confDir}`,
    `    certDir: ${f.certDir}`,
    `    webroot: ${f.webroot}`,
    `    httpPort: ${f.httpPort}`,
    `    httpsPort: ${f.httpsPort}`,
    ...(f.listenAddress ? [`    listen: ${f.listenAddress}`] : []),
    `    testCommand: ${list(f.testCommand)}`,
    `    reloadCommand: ${list(f.reloadCommand)}`,
    '',
  ].join('\n');
}
