// Real ACME for tests: Debian's pebble + pebble-challtestsrv on 127.0.0.1 (the flags
// pebble documents). challtestsrv is pebble's DNS (every name → 127.0.0.1, TXT records settable
// through its management API); pebble validates http-01 on `httpPort`, i.e. the edge nginx.
import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { freePort, waitFor } from './nginx.js';

export interface TestPebble {
  directory: string;
  /** CA of pebble's own HTTPS listener (trust it for the directory). */
  listenerCaPem: string;
  /** Pebble's issuing root (changes on every start): trust it to verify issued certificates. */
  issuingRootPem(): Promise<string>;
  /** challtestsrv management URL (set-txt/clear-txt for dns-01 hooks). */
  challtestsrv: string;
  stop(): Promise<void>;
}

/** Why pebble cannot run here, or undefined. */
export function pebbleUnavailable(): string | undefined {
  for (const bin of ['pebble', 'pebble-challtestsrv', 'openssl']) {
    const r = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' });
    if (r.status !== 0) return `${bin} not installed (apt-get install pebble openssl)`;
  }
  return undefined;
}

/** Starts challtestsrv and pebble; `httpPort` is where pebble connects for http-01. */
export async function startPebble(opts: { httpPort: number }): Promise<TestPebble> {
  const dir = await mkdtemp(join(tmpdir(), 'boreas-pebble-'));
  const [dnsPort, mgmtPort, acmePort, pebbleMgmt, tlsPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '2',
      '-subj',
      '/CN=pebble-test',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  await writeFile(
    join(dir, 'pebble.json'),
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${acmePort}`,
        managementListenAddress: `127.0.0.1:${pebbleMgmt}`,
        certificate: join(dir, 'cert.pem'),
        privateKey: join(dir, 'key.pem'),
        httpPort: opts.httpPort,
        tlsPort,
        ocspResponderURL: '',
        externalAccountBindingRequired: false,
      },
    }),
  );
  const children: ChildProcess[] = [];
  const logs: string[] = [];
  const run = (cmd: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    c.stdout!.on('data', (d: Buffer) => logs.push(d.toString()));
    c.stderr!.on('data', (d: Buffer) => logs.push(d.toString()));
    children.push(c);
    return c;
  };
  run('pebble-challtestsrv', [
    '-defaultIPv4',
    '127.0.0.1',
    '-defaultIPv6',
    '',
    '-dns01',
    `127.0.0.1:${dnsPort}`,
    '-http01',
    '',
    '-https01',
    '',
    '-tlsalpn01',
    '',
    '-management',
    `127.0.0.1:${mgmtPort}`,
  ]);
  run('pebble', ['-config', join(dir, 'pebble.json'), '-dnsserver', `127.0.0.1:${dnsPort}`], { PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0' });

  const listenerCaPem = await readFile(join(dir, 'cert.pem'), 'utf8');
  const dispatcher = new Agent({ connect: { ca: listenerCaPem } });
  const directory = `https://127.0.0.1:${acmePort}/dir`;
  const stop = async () => {
    await dispatcher.close();
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => {
        if (children.some((c) => c.exitCode !== null)) throw new Error(`pebble exited: ${logs.join('')}`);
        try {
          const r = await request(directory, { dispatcher });
          await r.body.dump();
          const m = await request(`http://127.0.0.1:${mgmtPort}/`).catch(() => undefined);
          await m?.body.dump();
          return r.statusCode === 200 && m !== undefined;
        } catch {
          return false;
        }
      },
      15_000,
      'pebble to start',
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    directory,
    listenerCaPem,
    challtestsrv: `http://127.0.0.1:${mgmtPort}`,
    async issuingRootPem() {
      const r = await request(`https://127.0.0.1:${pebbleMgmt}/roots/0`, { dispatcher });
      return r.body.text();
    },
    stop,
  };
}
