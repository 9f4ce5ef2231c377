// Start-up benchmark (issue 12, goal 1): whole processes, cold (a new state directory per run, so no
// parse cache), interleaved so load on the machine hits every case alike. Prints the median wall
// time and peak RSS of `node -e 0` (the baseline, same run) and of `boreas --version`, `--help` and
// `validate` of examples/quickstart, with their ratio to the baseline, for:
//   after   the shipped bundle, dist/src/cli/main.js (`npm run build` first)
//   unbundled  the same sources transpiled file by file (the layout tsc emitted before), to show
//           what bundling alone gives
//   before  BOREAS_BENCH_BEFORE=<path to an older build's main.js>, when set (e.g. a build of main)
// Targets: --version <= 3x and <= 80 MB; validate <= 5x.
//
//   node --import tsx scripts/bench/startup.ts [runs]      (default 11 runs per case)
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { packageRoot } from '../../src/util/paths.js';
import { fmt, median, runProcess } from './processes.js';

const runs = Number(process.argv[2] ?? 11);
const bundle = join(packageRoot, 'dist', 'src', 'cli', 'main.js');
if (!existsSync(bundle)) throw new Error('no dist/src/cli/main.js: run `npm run build` first');
const tmp = mkdtempSync(join(tmpdir(), 'boreas-bench-startup-'));

/** src/ transpiled one file at a time beside links to package.json, schemas/ and node_modules/. */
function unbundled(): string {
  const root = join(tmp, 'unbundled');
  const walk = (dir: string) => {
    for (const e of readdirSync(join(packageRoot, dir), { withFileTypes: true })) {
      const rel = join(dir, e.name);
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.ts')) {
        const out = join(root, 'dist', rel.replace(/\.ts$/, '.js'));
        mkdirSync(join(out, '..'), { recursive: true });
        const code = transformSync(readFileSync(join(packageRoot, rel), 'utf8'), { loader: 'ts', format: 'esm', target: 'node20' }).code;
        writeFileSync(out, code);
      }
    }
  };
  walk('src');
  for (const link of ['package.json', 'schemas', 'node_modules']) symlinkSync(join(packageRoot, link), join(root, link));
  cpSync(join(packageRoot, 'dist', 'src', 'build-info.json'), join(root, 'dist', 'src', 'build-info.json'));
  return join(root, 'dist', 'src', 'cli', 'main.js');
}

const builds: [string, string][] = [
  ['after', bundle],
  ['unbundled', unbundled()],
];
if (process.env.BOREAS_BENCH_BEFORE) builds.push(['before', process.env.BOREAS_BENCH_BEFORE]);

const quickstart = join(packageRoot, 'examples', 'quickstart');
type Case = { name: string; args: (state: string) => string[]; check: RegExp };
const cases: Case[] = [
  { name: '--version', args: () => ['--version'], check: /^\d+\.\d+\.\d+/ },
  { name: '--help', args: () => ['--help'], check: /Usage: boreas/ },
  { name: 'validate quickstart', args: (state) => ['validate', '--repo', quickstart, '--state', state], check: /^valid: 3 manifest/ },
];

const times = new Map<string, { ms: number[]; rss: number[] }>();
const record = (key: string, ms: number, rss: number) => {
  const t = times.get(key) ?? { ms: [], rss: [] };
  t.ms.push(ms);
  t.rss.push(rss);
  times.set(key, t);
};

for (let i = 0; i < runs; i++) {
  const base = runProcess(process.execPath, ['-e', '0']);
  record('node -e 0', base.ms, base.rssMb);
  for (const [build, main] of builds)
    for (const c of cases) {
      const state = join(tmp, `state-${build}-${i}`);
      const r = runProcess(process.execPath, [main, ...c.args(state)], { env: { NO_COLOR: '1' } });
      if (r.status !== 0 || !c.check.test(r.stdout)) throw new Error(`${build} ${c.name} failed (${r.status}): ${r.stdout}${r.stderr}`);
      record(`${build} ${c.name}`, r.ms, r.rssMb);
      rmSync(state, { recursive: true, force: true });
    }
}

const baseline = median(times.get('node -e 0')!.ms);
console.log(`start-up, ${runs} runs per case, medians (${new Date().toISOString()})`);
console.log(`${'case'.padEnd(34)}${'ms'.padStart(8)}${'ratio'.padStart(8)}${'RSS MB'.padStart(8)}`);
for (const [key, t] of times) {
  const ms = median(t.ms);
  console.log(`${key.padEnd(34)}${fmt(ms)}${fmt(ms / baseline, 7, 2)}x${fmt(Math.max(...t.rss))}`);
}
console.log('targets: --version <= 3x node -e 0 and <= 80 MB; validate quickstart <= 5x');
rmSync(tmp, { recursive: true, force: true });
