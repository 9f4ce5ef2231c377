// Benchmark of `boreas validate`'s load path: generates repositories of 1,000 and 10,000 manifests
// (mixed kinds, realistic sizes) and prints, in one run, the floor (read + yaml.parse every file),
// cold validate (no cache), warm validate (blob cache), their ratios to the floor, peak RSS and
// files/s. Targets (issue 2): cold <= 1.5x floor, warm <= 0.2x floor, 10,000 files < 2 s.
//
//   node --import tsx scripts/bench/validate.ts [sizes...] [--cli]   (default: 1000 10000; --cli also
//   times the real CLI end to end, node and tsx start-up included; --whole prints only the
//   whole-process figures below)
//
// Whole processes (issue 12, goal 4), printed for every size: the js-yaml parse floor (a node process
// reading and js-yaml-parsing every file; js-yaml is a devDependency for this baseline only) and the
// yaml floor the same way, then the shipped CLI (dist/src/cli/main.js, `npm run build` first)
// validating the repository cold (new state directory, no cache anywhere), warm (unchanged tree:
// the stored outcome) and after one file was edited (the blob-SHA parse cache serves the others),
// medians of 3, each with its ratio to the js-yaml floor and its CPU time (user + system, all
// threads: less sensitive than wall time to other load on a shared machine). Targets: cold <= 2x,
// warm <= 0.15x.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadManifests } from '../../src/manifests/load.js';
import { compileSchemas } from '../../src/manifests/schema-validator.js';
import { openSource } from '../../src/source/index.js';
import type { Source } from '../../src/source/source.js';
import { packageRoot } from '../../src/util/paths.js';
import { generateManifestRepo } from './manifest-repo.js';
import { median, type ProcessRun, runProcess } from './processes.js';

const withCli = process.argv.includes('--cli');
const wholeOnly = process.argv.includes('--whole');
const sizes = process.argv.slice(2).map(Number).filter(Boolean);

function listYaml(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.yaml')).map((f) => join(dir, f));
}

function floor(files: string[]): number {
  const t = performance.now();
  for (const f of files) parse(readFileSync(f, 'utf8'));
  return performance.now() - t;
}

async function validate(repo: string, cacheDir: string, syncReads = false): Promise<{ ms: number; parsed: number; errors: number }> {
  const t = performance.now();
  const opened = await openSource({ repo, cacheDir });
  // Experiment: the same Source with synchronous reads, to show what fs/promises costs per file.
  const source: Source = syncReads
    ? {
        description: opened.description,
        rootDir: opened.rootDir,
        resolve: () => opened.resolve(),
        listFiles: () => opened.listFiles(),
        readFile: async (p) => readFileSync(join(repo, p)),
      }
    : opened;
  const result = await loadManifests(source, { cacheDir });
  return { ms: performance.now() - t, parsed: result.stats.parsed, errors: result.diagnostics.length };
}

/** Cold listing of the working tree alone (it reads and hashes every file for its blob SHA). */
async function scanOnly(repo: string, cacheDir: string): Promise<number> {
  const t = performance.now();
  await (await openSource({ repo, cacheDir })).listFiles();
  return performance.now() - t;
}

function best<T extends { ms: number }>(runs: T[]): T {
  return runs.reduce((a, b) => (b.ms < a.ms ? b : a));
}

/** Wall time of `boreas validate` as a user runs it (a new process each time). */
function cli(repo: string, stateDir: string): number {
  const t = performance.now();
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(packageRoot, 'src', 'cli', 'main.ts'), 'validate', '--repo', repo, '--state', join(stateDir, 'state.db')],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) console.log(`  !! CLI exited ${r.status}: ${r.stdout}${r.stderr}`);
  return performance.now() - t;
}

const requireHere = createRequire(import.meta.url);
/** A node process that reads every listed file and parses it with `parser` (js-yaml or yaml). */
function floorProcess(listFile: string, parser: 'js-yaml' | 'yaml'): { ms: number; cpuMs: number } {
  const mod = pathToFileURL(requireHere.resolve(parser)).href;
  const code = `import { readFileSync } from 'node:fs';
const m = await import(${JSON.stringify(mod)});
const parseAll = ${parser === 'js-yaml' ? '(t) => m.default.loadAll(t)' : '(t) => m.parseAllDocuments(t).map((d) => d.toJS())'};
let docs = 0;
for (const f of readFileSync(process.argv[1], 'utf8').split('\\n')) docs += parseAll(readFileSync(f, 'utf8')).length;
if (!docs) process.exit(1);`;
  const r = runProcess(process.execPath, ['--input-type=module', '-e', code, listFile]);
  if (r.status !== 0) throw new Error(`${parser} floor failed: ${r.stderr}`);
  return r;
}

/** `boreas validate` of the bundled CLI as a whole process. */
function cliProcess(repo: string, stateDir: string): ProcessRun {
  const r = runProcess(process.execPath, [bundle, 'validate', '--repo', repo, '--state', join(stateDir, 'state.db')]);
  if (r.status !== 0) throw new Error(`validate exited ${r.status}: ${r.stdout}${r.stderr}`);
  return r;
}

const bundle = join(packageRoot, 'dist', 'src', 'cli', 'main.js');
if (!existsSync(bundle)) throw new Error('no dist/src/cli/main.js: run `npm run build` first');

function wholeProcesses(repo: string, files: string[], dir: string): void {
  const listFile = join(dir, 'files.txt');
  writeFileSync(listFile, files.join('\n'));
  const jsYaml: { ms: number; cpuMs: number }[] = [];
  const yaml: { ms: number; cpuMs: number }[] = [];
  const cold: ProcessRun[] = [];
  const warm: ProcessRun[] = [];
  const edited: ProcessRun[] = [];
  for (let i = 0; i < 3; i++) {
    jsYaml.push(floorProcess(listFile, 'js-yaml'));
    yaml.push(floorProcess(listFile, 'yaml'));
    const state = join(dir, `process-state-${i}`);
    // An installation that has state: validate keeps its caches there (it never creates it).
    mkdirSync(state, { recursive: true });
    cold.push(cliProcess(repo, state));
    warm.push(cliProcess(repo, state));
    // One manifest edited (still valid): the outcome is computed again, the other files come from the parse cache.
    appendFileSync(files[i], `# edited ${i}\n`);
    edited.push(cliProcess(repo, state));
  }
  const floorMs = median(jsYaml.map((r) => r.ms));
  const line = (name: string, runs: { ms: number; cpuMs: number }[], extra = '') => {
    const ms = median(runs.map((r) => r.ms));
    const cpu = median(runs.map((r) => r.cpuMs));
    console.log(
      `  ${name.padEnd(38)}${f1(ms).padStart(9)} ms  ${Math.round(files.length / (ms / 1000))
        .toString()
        .padStart(6)} files/s  ${(ms / floorMs).toFixed(2)}x js-yaml floor  cpu ${Number.isNaN(cpu) ? '?' : Math.round(cpu)} ms${extra}`,
    );
  };
  const peak = (runs: ProcessRun[]) => `peak ${Math.round(Math.max(...runs.map((r) => r.rssMb)))} MB`;
  console.log('  whole processes, medians of 3:');
  line('js-yaml parse floor (read + loadAll)', jsYaml);
  line('yaml parse floor (read + parse)', yaml);
  line('boreas validate cold (no cache)', cold, `   (target <= 2)   ${peak(cold)}`);
  line('boreas validate warm (stored outcome)', warm, `   (target <= 0.15)   ${peak(warm)}`);
  line('boreas validate, one file edited', edited, `   ${peak(edited)}`);
}

const mb = () => `${Math.round(process.resourceUsage().maxRSS / 1024)} MB`;
const f1 = (x: number) => x.toFixed(1);

const tc = performance.now();
compileSchemas(); // once per process, reported apart
console.log(`ajv compile of schemas/ (once per process): ${f1(performance.now() - tc)} ms`);

for (const n of sizes.length ? sizes : [1000, 10000]) {
  const dir = mkdtempSync(join(tmpdir(), 'boreas-bench-'));
  try {
    const repo = join(dir, 'repo');
    generateManifestRepo(repo, n);
    const files = listYaml(repo);
    const bytes = files.reduce((s, f) => s + readFileSync(f).length, 0);
    if (wholeOnly) {
      console.log(`\n${files.length} files (${(bytes / files.length / 1024).toFixed(1)} KiB avg, ${(bytes / 1048576).toFixed(1)} MiB)`);
      wholeProcesses(repo, files, dir);
      continue;
    }
    // Best of three for each figure: the machine is shared, and the minimum is the least noisy.
    const floorMs = Math.min(floor(files), floor(files), floor(files));
    const colds = [];
    for (let i = 0; i < 3; i++) colds.push(await validate(repo, join(dir, `cache-${i}`)));
    const cold = best(colds);
    const coldSync = best([await validate(repo, join(dir, 'cache-s0'), true), await validate(repo, join(dir, 'cache-s1'), true)]);
    const scanMs = Math.min(await scanOnly(repo, join(dir, 'scan-0')), await scanOnly(repo, join(dir, 'scan-1')));
    const warm = best([await validate(repo, join(dir, 'cache-0')), await validate(repo, join(dir, 'cache-0')), await validate(repo, join(dir, 'cache-0'))]);
    if (cold.errors || warm.errors) console.log(`  !! generated repo has ${cold.errors} diagnostics`);
    console.log(`\n${files.length} files (${(bytes / files.length / 1024).toFixed(1)} KiB avg, ${(bytes / 1048576).toFixed(1)} MiB)`);
    console.log(`  floor (read + yaml.parse):   ${f1(floorMs).padStart(8)} ms   ${Math.round(files.length / (floorMs / 1000))} files/s`);
    console.log(
      `  validate cold (no cache):    ${f1(cold.ms).padStart(8)} ms   ${Math.round(files.length / (cold.ms / 1000))} files/s   ${(cold.ms / floorMs).toFixed(2)}x floor (target <= 1.5)   parsed ${cold.parsed}`,
    );
    console.log(
      `    of which: cold worktree scan (read + hash every file): ${f1(scanMs)} ms; cold with synchronous Source reads: ${f1(coldSync.ms)} ms = ${(coldSync.ms / floorMs).toFixed(2)}x floor`,
    );
    console.log(
      `  validate warm (blob cache):  ${f1(warm.ms).padStart(8)} ms   ${Math.round(files.length / (warm.ms / 1000))} files/s   ${(warm.ms / floorMs).toFixed(2)}x floor (target <= 0.2)   parsed ${warm.parsed}`,
    );
    console.log(`  peak RSS so far: ${mb()}`);
    wholeProcesses(repo, files, dir);
    if (withCli) {
      const cliCold = cli(repo, join(dir, 'cli-state'));
      const cliWarm = cli(repo, join(dir, 'cli-state'));
      console.log(`  CLI end to end (incl. node+tsx start): cold ${f1(cliCold)} ms, warm ${f1(cliWarm)} ms`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
