// Health probes of an instance (health level 0-100). One probe call = one check; thresholds and
// intervals are applied by whoever calls repeatedly (the engine's wait, the agent's loop).
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Health } from '../../model/resource.js';
import { isSameProcessAlive } from '../process/proc-stat.js';
import { runCommand } from '../process/run-command.js';

export const healthy = (message: string): Health => ({ status: 'Healthy', level: 100, message });
export const unhealthy = (message: string): Health => ({ status: 'Degraded', level: 0, message });

/** GET http(s)://host:port/path; 2xx/3xx is healthy. Certificates are not verified (a liveness check, not a trust decision). */
export function httpProbe(opts: { host: string; port: number; path: string; scheme?: 'http' | 'https'; timeoutMs: number }): Promise<Health> {
  const url = `${opts.scheme ?? 'http'}://${opts.host}:${opts.port}${opts.path.startsWith('/') ? opts.path : '/' + opts.path}`;
  const mod = opts.scheme === 'https' ? https : http;
  return new Promise((resolve) => {
    const req = mod.get(url, { timeout: opts.timeoutMs, rejectUnauthorized: false, agent: false, headers: { 'user-agent': 'boreas-health' } }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve(code >= 200 && code < 400 ? healthy(`GET ${url}: ${code}`) : unhealthy(`GET ${url}: HTTP ${code}`));
    });
    req.on('timeout', () => req.destroy(new Error(`timed out after ${opts.timeoutMs} ms`)));
    req.on('error', (err) => resolve(unhealthy(`GET ${url}: ${(err as NodeJS.ErrnoException).code ?? err.message}`)));
  });
}

/** Healthy when a TCP connection to host:port opens within the timeout. */
export function tcpProbe(opts: { host: string; port: number; timeoutMs: number }): Promise<Health> {
  const where = `${opts.host}:${opts.port}`;
  return new Promise((resolve) => {
    const sock = net.connect({ host: opts.host, port: opts.port });
    const done = (h: Health) => {
      sock.destroy();
      resolve(h);
    };
    sock.setTimeout(opts.timeoutMs, () => done(unhealthy(`tcp ${where}: timed out after ${opts.timeoutMs} ms`)));
    sock.once('connect', () => done(healthy(`tcp ${where}: connected`)));
    sock.once('error', (err) => done(unhealthy(`tcp ${where}: ${(err as NodeJS.ErrnoException).code ?? err.message}`)));
  });
}

/** Healthy when the command (argument array, no shell) exits 0 within the timeout. */
export async function execProbe(opts: { command: string[]; cwd?: string; env?: Record<string, string>; timeoutMs: number }): Promise<Health> {
  const res = await runCommand(opts.command, { cwd: opts.cwd, env: opts.env, timeoutMs: opts.timeoutMs });
  const name = opts.command[0];
  if (res.error) return unhealthy(res.error);
  if (res.timedOut) return unhealthy(`${name}: timed out after ${opts.timeoutMs} ms`);
  if (res.code === 0) return healthy(`${name}: exit 0`);
  return unhealthy(`${name}: exit ${res.code}${res.output ? `: ${res.output.split('\n').slice(-1)[0]}` : ''}`);
}

/** Healthy while the process started at `startTime` runs. */
export function processProbe(pid: number | undefined, startTime?: string): Health {
  if (!pid) return { status: 'Missing', level: 0, message: 'no process recorded' };
  return isSameProcessAlive(pid, startTime) ? healthy(`pid ${pid} running`) : { status: 'Missing', level: 0, message: `pid ${pid} not running` };
}
