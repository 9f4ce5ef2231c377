// nginx reload that returns only once the old generation stopped accepting. `nginx -s reload` only
// signals the master: it starts new workers and tells the old ones to quit, and an old worker takes
// new connections (served with the old config: an upstream that is gone, an old certificate) until
// it handles that signal, which on a busy machine can be after the new config already answered a
// probe. A quitting worker closes its listening sockets first, so the old generation is done
// accepting once none of the workers that held this nginx's listening sockets before the reload
// still holds one. Seen through /proc (the socket inodes of /proc/net/tcp{,6} on the node's http and
// https ports, and each nginx process's open fds); where /proc cannot tell (another user's
// processes without the rights to read their fds), the reload returns as before and the site probe's
// own confirmations remain the guard.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { processStartTime } from '../process/proc-stat.js';
import { type CommandResult, runCommand } from './command.js';

/** How long a reload waits for old workers to stop accepting; past it, the probe decides. */
const settleTimeoutMs = 5000;
const pollMs = 10;

/** Runs the reload command; when it succeeded, waits until the old workers stopped accepting on `ports`. */
export async function reloadNginx(reloadCommand: string[], ports: number[]): Promise<CommandResult> {
  const old = ports.length ? acceptingWorkers(ports) : [];
  const result = await runCommand(reloadCommand);
  if (result.code !== 0 || old.length === 0) return result;
  const deadline = Date.now() + settleTimeoutMs;
  // Only the old workers are looked at again: each still the same process and still holding a listener.
  while (Date.now() < deadline) {
    const inodes = listeningInodes(new Set(ports));
    if (!old.some((w) => processStartTime(w.pid) === w.startTime && holdsOneOf(w.pid, inodes))) break;
    await sleep(pollMs);
  }
  return result;
}

/** The nginx workers (not the master) holding a listening socket on one of `ports`, with their start time (pids are reused). */
function acceptingWorkers(ports: number[]): { pid: number; startTime: string }[] {
  const inodes = listeningInodes(new Set(ports));
  if (inodes.size === 0) return [];
  const out: { pid: number; startTime: string }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || read(`/proc/${name}/comm`).trim() !== 'nginx' || read(`/proc/${name}/cmdline`).startsWith('nginx: master')) continue;
    const pid = Number(name);
    const startTime = processStartTime(pid);
    if (startTime !== undefined && holdsOneOf(pid, inodes)) out.push({ pid, startTime });
  }
  return out;
}

/** Whether process `pid` has one of the socket `inodes` open (false when it is gone or not ours to read). */
function holdsOneOf(pid: number, inodes: Set<string>): boolean {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  for (const fd of fds) {
    let link: string;
    try {
      link = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue;
    }
    if (link.startsWith('socket:[') && inodes.has(link.slice(8, -1))) return true;
  }
  return false;
}

/** Inodes of the TCP sockets listening on one of `ports` (any address, IPv4 and IPv6). */
function listeningInodes(ports: Set<number>): Set<string> {
  const out = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of read(table).split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // sl local_address rem_address st ... inode; st 0A is LISTEN.
      if (f.length < 10 || f[3] !== '0A') continue;
      const port = Number.parseInt(f[1].slice(f[1].lastIndexOf(':') + 1), 16);
      if (ports.has(port)) out.add(f[9]);
    }
  }
  return out;
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
