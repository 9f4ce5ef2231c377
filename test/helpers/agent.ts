// Real node agents for tests: either in-process (startAgent, the same code `boreas agent` runs) or as
// a separate process (src/cli/agent-main.ts = the `boreas agent` command) that can be killed and
// restarted on the same work dir. Each agent gets its own 127.0.0.1 port (chosen by the OS), work
// dir, allowed root and token file, i.e. one agent = one node.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveAgentConfig, type AgentConfig } from '../../src/agent/config.js';
import { startAgent, type RunningAgent, type StartAgentOptions } from '../../src/agent/server.js';
import { silentLogger } from '../../src/util/logger.js';

export interface AgentDirs {
  root: string;
  workDir: string;
  allowedRoot: string;
  tokenFile: string;
  token: string;
}

/** Temp dirs and a token file for one node; `cleanup()` removes them. */
export function agentDirs(node: string): AgentDirs & { cleanup(): void } {
  const root = mkdtempSync(join(tmpdir(), `boreas-agent-${node}-`));
  const workDir = join(root, 'work');
  const allowedRoot = join(root, 'allowed');
  mkdirSync(allowedRoot, { recursive: true });
  const token = `tok-${node}-${Math.random().toString(36).slice(2)}`;
  const tokenFile = join(root, 'token');
  writeFileSync(tokenFile, token + '\n', { mode: 0o600 });
  return { root, workDir, allowedRoot, tokenFile, token, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** An agent in this process. */
export async function inProcessAgent(
  node: string,
  extra: Partial<AgentConfig> = {},
  opts: Pick<StartAgentOptions, 'supervision'> = {},
): Promise<{ agent: RunningAgent; dirs: AgentDirs; stop(): Promise<void> }> {
  const dirs = agentDirs(node);
  const config = resolveAgentConfig({
    listen: '127.0.0.1:0',
    nodeName: node,
    tokenFile: dirs.tokenFile,
    workDir: dirs.workDir,
    allowedRoots: [dirs.allowedRoot],
    nginxConfDir: join(dirs.root, 'nginx'),
    ...extra,
  });
  const agent = await startAgent({ config, log: silentLogger, ...opts });
  return {
    agent,
    dirs,
    stop: async () => {
      await agent.close();
      dirs.cleanup();
    },
  };
}

/** `boreas agent` as a child process on fixed dirs; restartable with the same work dir. */
export class AgentProcess {
  child?: ChildProcess;
  url = '';
  constructor(
    readonly node: string,
    readonly dirs: AgentDirs,
    readonly extraArgs: string[] = [],
  ) {}

  async start(): Promise<string> {
    const args = [
      '--import',
      'tsx',
      join(import.meta.dirname, '../../src/cli/agent-main.ts'),
      '--listen',
      '127.0.0.1:0',
      '--node-name',
      this.node,
      '--token-file',
      this.dirs.tokenFile,
      '--work-dir',
      this.dirs.workDir,
      '--allowed-root',
      this.dirs.allowedRoot,
      '--log-level',
      'error',
      ...this.extraArgs,
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: join(import.meta.dirname, '../..') });
    this.child = child;
    let out = '';
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    this.url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`agent ${this.node} did not start: ${err}`)), 30_000);
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`agent ${this.node} exited with ${code}: ${err}`));
      });
    });
    return this.url;
  }

  /** SIGKILL (a crash, nothing flushed on purpose) or SIGTERM (clean stop). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }
}

/** fetch() against an agent with its token. */
export async function call(url: string, token: string | undefined, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(url + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let json: any = text;
  try {
    json = JSON.parse(text);
  } catch {
    /* keep text */
  }
  return { status: res.status, json };
}

/** Kills every process an agent's runners started (records under work/instances). */
export function killInstances(workDir: string): void {
  let names: string[] = [];
  try {
    names = readdirSync(join(workDir, 'instances'));
  } catch {
    return;
  }
  for (const n of names) {
    try {
      const pid = JSON.parse(readFileSync(join(workDir, 'instances', n, 'state.json'), 'utf8')).pid as number | undefined;
      if (pid) process.kill(pid, 'SIGKILL');
    } catch {
      /* gone already */
    }
  }
}
