// What really runs on this machine, read from /proc by the tests themselves (independent of the code
// under test): processes with their environment, and which processes listen on a TCP port. Crash
// tests use it to count the processes of each instance and the owners of each port.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface ProcEnv {
  pid: number;
  env: Record<string, string>;
}

function environOf(pid: number): Record<string, string> | undefined {
  let raw: string;
  try {
    raw = readFileSync(`/proc/${pid}/environ`, 'latin1');
  } catch {
    return undefined; // gone, or not ours to read
  }
  if (raw === '') return undefined; // zombies and kernel threads have no environment
  const env: Record<string, string> = {};
  for (const entry of raw.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

function pids(): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number);
}

/** Live (non-zombie) processes whose environment satisfies `match`. */
export function processesWhere(match: (env: Record<string, string>) => boolean): ProcEnv[] {
  const out: ProcEnv[] = [];
  for (const pid of pids()) {
    const env = environOf(pid);
    if (env && match(env)) out.push({ pid, env });
  }
  return out;
}

/** Socket inodes listening on `port` (IPv4 and IPv6), from /proc/net/tcp{,6}. */
function listeningInodes(port: number): Set<string> {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // f[1] local address "0100007F:1F90", f[3] state (0A = LISTEN), f[9] inode
      if (f.length > 9 && f[3] === '0A' && f[1].endsWith(`:${hex}`)) inodes.add(f[9]);
    }
  }
  return inodes;
}

/** Pids holding a listening socket on `port` (several when a socket is shared or two bind it). */
export function listenersOn(port: number): number[] {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return [];
  const out: number[] = [];
  for (const pid of pids()) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (m && inodes.has(m[1])) {
        out.push(pid);
        break;
      }
    }
  }
  return out;
}
