// Benchmark of the plan/reconcile path on the local target with a fake executor (an in-memory target:
// applies record, observe reads the record back). For N = 1,000 and 10,000 applications it prints:
// plan cold (no parse cache) and warm; a full reconcile; a no-op reconcile of the unchanged revision
// split into its desired side (source + load + validate + desired graph) and its observe side; SQLite
// rows written per run; peak RSS. The baseline in the same run is the parse floor of the same files.
// Each size runs in a child process of its own, so its peak RSS is its own; next to it, the peak RSS
// of a child that loads the same modules and does nothing (the floor of the runtime and the code).
// The parse floor runs in a child of its own too (same files, same run), so the garbage of parsing
// every file once more is not counted in Boreas' peak; and the size's process keeps only the figures
// of each step, not its results (a plan held for printing would count as Boreas' memory).
// Wall times on a shared machine include waiting for a core: CPU time is printed beside them.
// The children run this file bundled by esbuild the way `npm run build` bundles the CLI (into
// dist/src/bench/, beside the CLI's own output), so time and memory are those of the shipped code,
// not of tsx transpiling ~400 modules at load (BOREAS_BENCH_TSX=1 runs them under tsx instead).
//
//   node --import tsx scripts/bench/plan.ts [sizes...]     (default: 1000 10000)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { openSession, type Session } from '../../src/engine/session.js';
import { loadValidRevision } from '../../src/engine/load-revision.js';
import { planRevision } from '../../src/engine/plan-revision.js';
import { scopeOf } from '../../src/engine/target-scope.js';
import { reconcile } from '../../src/engine/reconcile.js';
import { TargetRegistry } from '../../src/targets/registry.js';
import type { Reachability, Target } from '../../src/targets/target.js';
import type { DesiredResource, Json, ObservedResource } from '../../src/model/resource.js';
import type { Task, TaskResult } from '../../src/model/plan.js';
import { silentLogger } from '../../src/util/logger.js';
import { resolveSecret } from '../../src/secrets/index.js';
import { buildDesired } from '../../src/desired/index.js';
import { packageRoot } from '../../src/util/paths.js';

const childSize = process.argv[2] === '--child' ? Number(process.argv[3]) : undefined;
if (process.argv[2] === '--parse-floor') {
  // The baseline: read + yaml.parse of the given files, in a process of its own.
  const [repo, ...files] = process.argv.slice(3);
  const t = performance.now();
  for (const f of files) parse(readFileSync(join(repo, f), 'utf8'));
  console.log((performance.now() - t).toFixed(3));
  process.exit(0);
}
const sizes = childSize !== undefined ? [childSize] : process.argv.slice(2).map(Number).filter(Boolean);
const f1 = (x: number) => x.toFixed(1).padStart(8);
const mb = () => `${Math.round(process.resourceUsage().maxRSS / 1024)} MB`;

function generate(dir: string, n: number): void {
  mkdirSync(join(dir, 'apps'), { recursive: true });
  writeFileSync(join(dir, 'environment.yaml'), 'apiVersion: boreas.dev/v1\nkind: Environment\nmetadata: {name: dev}\nspec: {type: local}\n');
  for (let i = 0; i < n; i++) {
    const files = i % 2 === 0 ? `  files:\n    - {path: app.conf, template: "name={{app}} port={{ports.http}}"}\n` : '';
    writeFileSync(
      join(dir, 'apps', `app-${i}.yaml`),
      `apiVersion: boreas.dev/v1\nkind: Application\nmetadata: {name: app-${i}, labels: {team: t${i % 10}}}\nspec:\n  environment: dev\n  runtime: process\n  version: v1.${i % 7}.0\n  process: {command: /opt/app/bin/app, args: ["--id", "${i}"]}\n  ports: [{name: http, port: ${20000 + (i % 40000)}}]\n  health: {tcp: {port: http}}\n  env: {LOG_LEVEL: info, REGION: eu-1}\n${files}`,
    );
  }
}

/** The fake executor: an in-memory local target. */
class MemoryTarget implements Target {
  readonly applied = new Map<string, DesiredResource>();
  readonly kinds = ['Instance', 'File'] as const;
  applies = 0;
  constructor(readonly key: string) {}
  async probe(): Promise<Reachability> {
    return { reachable: true, facts: {} };
  }
  async observe(resources: DesiredResource[]): Promise<ObservedResource[]> {
    return resources.map((r): ObservedResource => {
      const a = this.applied.get(r.id);
      return a
        ? {
            id: r.id,
            state: 'present',
            appliedHash: a.hash,
            appliedSpec: a.spec as unknown as Json,
            health: { status: 'Healthy', level: 100 },
            fingerprint: 'mem',
          }
        : { id: r.id, state: 'absent', health: { status: 'Missing', level: 0 } };
    });
  }
  async apply(task: Task): Promise<TaskResult> {
    this.applies++;
    if (task.action === 'delete') this.applied.delete(task.resourceId);
    else this.applied.set(task.resourceId, task.resource);
    return { outcome: 'created' };
  }
  async health() {
    return { status: 'Healthy' as const, level: 100 };
  }
}

function withMemoryTarget(session: Session, target: MemoryTarget): Session {
  const ctx = { store: session.store, log: silentLogger, stateDir: session.stateDir, repoDir: '.', resolveSecret, readOnly: false };
  return { ...session, targets: (scope) => new TargetRegistry(ctx, [{ type: 'local', onThisMachine: true, create: () => target }], scope) };
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const v = await fn();
  return [performance.now() - t, v];
}

/** CPU milliseconds (user + system) `fn` took in this process. */
async function cpuTimed<T>(fn: () => Promise<T>): Promise<[number, number, T]> {
  const c = process.cpuUsage();
  const [ms, v] = await timed(fn);
  const d = process.cpuUsage(c);
  return [ms, (d.user + d.system) / 1000, v];
}

/** Node arguments that run this benchmark file again with `args`: its bundle when there is one. */
function childArgs(...args: string[]): string[] {
  const self = new URL(import.meta.url).pathname;
  if (!self.endsWith('.ts')) return [self, ...args];
  return process.env.BOREAS_BENCH_TSX === '1' ? ['--import', 'tsx', self, ...args] : [join(packageRoot, 'dist', 'src', 'bench', 'plan.js'), ...args];
}

if (childSize === undefined && process.argv[2] !== '--floor' && process.argv[2] !== '--parse-floor') {
  // The parent: bundles this file, then one child per size, and the floor child.
  if (process.env.BOREAS_BENCH_TSX !== '1') await bundleSelf();
  const floor = spawnSync(process.execPath, childArgs('--floor'), { encoding: 'utf8' });
  console.log(
    `peak RSS floor (same modules loaded, nothing done): ${floor.stdout.trim()}   (${process.env.BOREAS_BENCH_TSX === '1' ? 'under tsx' : 'bundled as the CLI is'})`,
  );
  for (const n of sizes.length ? sizes : [1000, 10000]) {
    const r = spawnSync(process.execPath, childArgs('--child', String(n)), { stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  process.exit(0);
}

/** This file as one ES module, bundled with the options scripts/build.mjs gives the CLI. */
async function bundleSelf(): Promise<void> {
  const { build } = await import('esbuild');
  await build({
    absWorkingDir: packageRoot,
    // Split as the CLI is (dynamic imports stay chunks loaded on use); the analysis worker sits where
    // the chunks look for it (../manifests/ from chunks/), as in the CLI's own dist/src.
    entryPoints: { plan: new URL(import.meta.url).pathname, 'manifests/analyze-worker': 'src/manifests/analyze-worker.ts' },
    outdir: join(packageRoot, 'dist', 'src', 'bench'),
    chunkNames: 'chunks/[name]-[hash]',
    splitting: true,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['better-sqlite3', 'pg', 'pg-native', 'dockerode', 'ssh2', 'cpu-features', 'kubernetes-models', '@kubernetes/client-node', 'esbuild', 'tsx'],
    banner: { js: "import { createRequire as __boreasCreateRequire } from 'node:module'; const require = __boreasCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  });
}
if (process.argv[2] === '--floor') {
  console.log(mb());
  process.exit(0);
}

for (const n of sizes) {
  const dir = mkdtempSync(join(tmpdir(), 'boreas-bench-plan-'));
  try {
    const repo = join(dir, 'repo');
    generate(repo, n);
    const files = (readdirSync(repo, { recursive: true }) as string[]).filter((f) => f.endsWith('.yaml'));
    const floorRun = spawnSync(process.execPath, childArgs('--parse-floor', repo, ...files), { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (floorRun.status !== 0) throw new Error(`parse floor child failed: ${floorRun.stderr}`);
    const floorMs = Number(floorRun.stdout.trim());
    const target = new MemoryTarget('local');
    const session = withMemoryTarget(openSession({ repo, state: join(dir, 'state', 'state.db'), log: silentLogger }), target);
    const plan = async () => {
      const loaded = await loadValidRevision(session);
      return planRevision({
        revision: loaded.revision.sha,
        manifests: loaded.manifests,
        store: session.store,
        registry: session.targets(scopeOf(loaded.manifests), repo),
        prune: true,
      });
    };
    const [coldMs, cold] = await timed(async () => {
      const pass = await plan();
      return { resources: pass.desired.length, changes: pass.plan.changes.length };
    });
    const [warmMs] = await timed(async () => void (await plan()));
    const rows0 = session.store.rowsWritten();
    const [fullMs, fullCpu, full] = await cpuTimed(async () => ({
      tasks: (await reconcile(session, { timeoutMs: 600_000, dryRun: false, prune: true, concurrency: 16 })).tasks,
    }));
    const rows1 = session.store.rowsWritten();
    // No-op reconcile of the unchanged revision, split into its two sides.
    const [desiredMs, manifests] = await timed(async () => (await loadValidRevision(session)).manifests);
    const [graphMs] = await timed(async () => void buildDesired(manifests));
    const [passMs, pass] = await timed(async () => {
      const r = await plan();
      return { resources: r.desired.length, changes: r.plan.changes.length };
    });
    const [noopMs, noopCpu, noop] = await cpuTimed(async () => ({
      tasks: (await reconcile(session, { timeoutMs: 600_000, dryRun: false, prune: true, concurrency: 16 })).tasks,
    }));
    const rows2 = session.store.rowsWritten();
    console.log(`\n${n} applications (${cold.resources} resources, ${files.length} files)`);
    console.log(`  baseline: read + yaml.parse floor ${f1(floorMs)} ms`);
    console.log(`  plan cold (no parse cache)        ${f1(coldMs)} ms   ${cold.changes} changes`);
    console.log(`  plan warm                         ${f1(warmMs)} ms   (${(warmMs / floorMs).toFixed(2)}x floor)`);
    console.log(
      `  reconcile, first run              ${f1(fullMs)} ms   ${full.tasks.run} tasks, ${Math.round(full.tasks.run / (fullMs / 1000))} tasks/s, ${rows1 - rows0} SQLite rows (${((rows1 - rows0) / full.tasks.run).toFixed(2)} per task)`,
    );
    console.log(`    CPU time of it                  ${f1(fullCpu)} ms   ${Math.round(full.tasks.run / (fullCpu / 1000))} tasks per CPU second`);
    console.log(`  no-op: desired side, revision     ${f1(desiredMs)} ms   (commit + tree hash hit: nothing listed, parsed or validated)`);
    console.log(`  no-op: desired graph build        ${f1(graphMs)} ms   (${pass.resources} resources hashed)`);
    console.log(`  no-op: graph + observe + plan     ${f1(passMs)} ms   ${pass.changes} changes, one in-memory check per resource`);
    console.log(
      `  no-op reconcile, end to end       ${f1(noopMs)} ms   ${noop.tasks.run} tasks, ${rows2 - rows1 - 0} SQLite rows written by the two no-op runs`,
    );
    console.log(`    CPU time of it                  ${f1(noopCpu)} ms`);
    console.log(`  peak RSS of this size's process: ${mb()}`);
    await session.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
