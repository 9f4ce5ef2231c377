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
import { type CommandResult, runCommand } from './command.js';

/** How long a reload waits for old workers to stop accepting; past it, the probe decides. */
const settleTimeoutMs = 5000;
const pollMs = 10;

/** Runs the reload command; when it succeeded, waits until the old workers stopped accepting on `ports`. */
export async function reloadNginx(reloadCommand: string[], ports: number[]): Promise<CommandResult> {
  const old = ports.length ? acceptingWorkers(ports) : new Set<string>();
  const result = await runCommand(reloadCommand);
  if (result.code !== 0 || old.size === 0) return result;
  const deadline = Date.now() + settleTimeoutMs;
  while (Date.now() < deadline) {
    const still = listenerHolders(ports);
    if (![...old].some((w) => still.has(w))) break;
    await sleep(pollMs);
  }
  return result;
}

/** The nginx workers (not the master) holding a listening socket on one of `ports`, as pid:start-time. */
function acceptingWorkers(ports: number[]): Set<string> {
  const out = new Set<string>();
  for (const id of listenerHolders(ports)) {
    const pid = id.slice(0, id.indexOf(':'));
    if (!read(`/proc/${pid}/cmdline`).startsWith('nginx: master')) out.add(id);
  }
  return out;
}

/** nginx processes (pid:start-time) holding a listening TCP socket on one of `ports`. */
function listenerHolders(ports: number[]): Set<string> {
  const inodes = listeningInodes(new Set(ports));
  const out = new Set<string>();
  if (inodes.size === 0) return out;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || read(`/proc/${pid}/comm`).trim() !== 'nginx') continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (link.startsWith('socket:[') && inodes.has(link.slice(8, -1))) {
        out.add(`${pid}:${startTime(pid)}`);
        break;
      }
    }
  }
  return out;
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

/** Field 22 of /proc/<pid>/stat: the start time, so a reused pid is another process. */
function startTime(pid: string): string {
  const stat = read(`/proc/${pid}/stat`);
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
