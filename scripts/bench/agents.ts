// Benchmark: the controller-side agent target against 100 and 1,000 simulated agents. The agents run
// in a child process (so the controller's RSS is measured alone): real agent HTTP handlers (auth,
// schema checks, handleTask, observe) on 127.0.0.1, with a no-op runner and in-memory state.
// Measures: time to converge 1,000 instances (observe + apply + verify), tasks/s, no-op observe
// (one POST /v1/observe per node) and, as the baseline in the same run, the same no-op observe with
// one request per resource; controller peak RSS.
//   node --import tsx scripts/bench/agents.ts [--instances 1000] [--fleets 100,1000]
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveAgentConfig } from '../../src/agent/config.js';
import type { AgentContext, RunnerLookup } from '../../src/agent/context.js';
import { createAgentHandler } from '../../src/agent/http/router.js';
import { AgentState } from '../../src/agent/state/agent-state.js';
import { InstanceSupervision } from '../../src/agent/supervision.js';
import { hashToken } from '../../src/protocol/bearer-token.js';
import type { Task } from '../../src/model/plan.js';
import type { DesiredResource, ObservedResource } from '../../src/model/resource.js';
import type { Runner, RunnerObservation } from '../../src/runtime/runner.js';
import type { Runtime } from '../../src/model/machine-specs.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { createAgentTargetFactory } from '../../src/targets/agent/index.js';
import type { Target } from '../../src/targets/target.js';
import { hashJson, sha256 } from '../../src/util/hash.js';
import { silentLogger } from '../../src/util/logger.js';

const token = 'bench-token';

/** A runner that remembers instances in memory: measures the agent and the wire, not processes. */
class NoopRunner implements Runner {
  readonly runtime = 'process' as const;
  private readonly live = new Map<string, { hash: string; n: number }>();
  private n = 0;
  async ensureRunning(spec: { instance: string }, specHash: string) {
    const cur = this.live.get(spec.instance);
    if (cur?.hash === specHash) return 'unchanged' as const;
    this.live.set(spec.instance, { hash: specHash, n: ++this.n });
    return cur ? ('configured' as const) : ('created' as const);
  }
  async stop() {
    return 'unchanged' as const;
  }
  async remove(instance: string) {
    return this.live.delete(instance) ? ('deleted' as const) : ('unchanged' as const);
  }
  async observe(instance: string): Promise<RunnerObservation> {
    const cur = this.live.get(instance);
    return cur ? { exists: true, running: true, appliedHash: cur.hash, fingerprint: `noop:${cur.n}` } : { exists: false, running: false };
  }
  async list() {
    return [...this.live.keys()];
  }
}

async function serveAgents(count: number): Promise<void> {
  const ports: number[] = [];
  for (let i = 0; i < count; i++) {
    const runner = new NoopRunner();
    const runners: RunnerLookup = { get: () => runner as unknown as Runner, runtimes: () => ['process' as Runtime] };
    const config = resolveAgentConfig({ listen: '127.0.0.1:0', nodeName: `node-${i}`, workDir: '/nonexistent' });
    // Supervision effectively off: the no-op runner never crashes, and a 1 s tick over 1,000 agents
    // would only add noise to the figures.
    const supervision = new InstanceSupervision(silentLogger, { intervalMs: 3_600_000 });
    const ctx: AgentContext = {
      config,
      state: new AgentState(':memory:'),
      runners,
      log: silentLogger,
      supervision,
      startedAt: new Date(),
      baseDir: config.workDir,
    };
    const server = createServer({ keepAliveTimeout: 65_000 }, createAgentHandler(ctx, { tokenHash: hashToken(token), ready: () => true }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    ports.push((server.address() as AddressInfo).port);
  }
  process.send!({ ports });
}

function instances(nodes: number, total: number): DesiredResource[] {
  return Array.from({ length: total }, (_, i) => {
    const node = `node-${i % nodes}`;
    const spec = {
      app: 'api',
      instance: `api-${i}`,
      ordinal: i,
      node,
      host: '127.0.0.1',
      version: 'v1',
      runtime: 'process',
      process: { command: '/bin/true' },
      env: { LOG_LEVEL: 'info' },
      ports: { http: 8080 + Math.floor(i / nodes) },
      filesHash: '',
      state: 'Running',
    };
    return {
      id: `agent:${node}/Instance/api-${i}`,
      target: `agent:${node}`,
      kind: 'Instance',
      owner: 'api',
      environment: 'bench',
      name: `api-${i}`,
      spec,
      hash: hashJson(spec),
      dependsOn: [],
    } as DesiredResource;
  });
}

async function pool<T>(items: T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

async function observeAll(targets: Map<string, Target>, byNode: Map<string, DesiredResource[]>, perResource: boolean): Promise<Map<string, ObservedResource>> {
  const out = new Map<string, ObservedResource>();
  const jobs: Array<[string, DesiredResource[]]> = perResource
    ? [...byNode].flatMap(([n, rs]) => rs.map((r): [string, DesiredResource[]] => [n, [r]]))
    : [...byNode];
  await pool(jobs, 64, async ([node, rs]) => {
    for (const o of await targets.get(node)!.observe([...rs])) out.set(o.id, o);
  });
  return out;
}

async function runFleet(nodes: number, total: number): Promise<Record<string, string | number>> {
  const child = fork(new URL(import.meta.url).pathname, ['--serve', String(nodes)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { ports } = await new Promise<{ ports: number[] }>((resolve) => child.once('message', (m) => resolve(m as { ports: number[] })));
  try {
    process.env.BOREAS_BENCH_TOKEN = token;
    const store = openSqliteStore(':memory:');
    const ctx = {
      store,
      log: silentLogger,
      stateDir: '/nonexistent',
      repoDir: '/nonexistent',
      resolveSecret: async () => token,
      readOnly: false,
      peer: () => Promise.reject(new Error('no peers')),
    };
    const scope = {
      node: (name: string) => ({
        apiVersion: 'boreas.dev/v1' as const,
        kind: 'Node' as const,
        metadata: { name },
        spec: { address: `127.0.0.1:${ports[Number(name.slice(5))]}`, tokenFrom: { env: 'BOREAS_BENCH_TOKEN' } },
      }),
      environment: () => undefined,
      environments: () => [],
    };
    const factory = createAgentTargetFactory({ connections: 2 });
    const targets = new Map<string, Target>();
    for (let i = 0; i < nodes; i++) targets.set(`node-${i}`, await factory.create(`agent:node-${i}`, ctx, scope));
    const desired = instances(nodes, total);
    const byNode = new Map<string, DesiredResource[]>();
    for (const r of desired) (byNode.get(r.target.slice(6)) ?? byNode.set(r.target.slice(6), []).get(r.target.slice(6))!).push(r);

    const t0 = performance.now();
    const first = await observeAll(targets, byNode, false);
    const todo = desired.filter((r) => first.get(r.id)?.state !== 'present' || first.get(r.id)?.appliedHash !== r.hash);
    const t1 = performance.now();
    let failed = 0;
    await pool(todo, 64, async (r) => {
      const task: Task = {
        key: sha256(`${r.id}:${r.hash}`),
        revision: 'bench',
        resourceId: r.id,
        target: r.target,
        action: 'create',
        resource: r,
        dependsOn: [],
      };
      if ((await targets.get(r.target.slice(6))!.apply(task)).outcome === 'failed') failed++;
    });
    const t2 = performance.now();
    const verify = await observeAll(targets, byNode, false);
    const t3 = performance.now();
    const inSync = desired.filter((r) => verify.get(r.id)?.appliedHash === r.hash).length;

    const n0 = performance.now();
    await observeAll(targets, byNode, false);
    const n1 = performance.now();
    await observeAll(targets, byNode, true);
    const n2 = performance.now();
    for (const t of targets.values()) await t.close?.();
    return {
      agents: nodes,
      instances: total,
      'tasks applied': todo.length,
      failed,
      'in sync after': inSync,
      'converge ms (observe+apply+verify)': Math.round(t3 - t0),
      'apply ms': Math.round(t2 - t1),
      'tasks/s': Math.round(todo.length / ((t2 - t1) / 1000)),
      'no-op observe ms (1 req/node)': Math.round(n1 - n0),
      'baseline: no-op observe ms (1 req/resource)': Math.round(n2 - n1),
      'controller peak RSS MB': Math.round(process.resourceUsage().maxRSS / 1024),
    };
  } finally {
    child.kill();
  }
}

const args = process.argv.slice(2);
if (args[0] === '--serve') {
  await serveAgents(Number(args[1]));
} else {
  const total = Number(args[args.indexOf('--instances') + 1] || 1000) || 1000;
  const fleets = (args.includes('--fleets') ? args[args.indexOf('--fleets') + 1] : '100,1000').split(',').map(Number);
  const rows: Array<Record<string, string | number>> = [];
  for (const n of fleets) rows.push(await runFleet(n, total));
  console.log(`agent target benchmark (${total} instances, node ${process.version}, ${new Date().toISOString()})`);
  for (const key of Object.keys(rows[0])) console.log(`${key.padEnd(46)} ${rows.map((r) => String(r[key]).padStart(8)).join(' ')}`);
}
