// Benchmark of `boreas validate`'s load path: generates repositories of 1,000 and 10,000 manifests
// (mixed kinds, realistic sizes) and prints, in one run, the floor (read + yaml.parse every file),
// cold validate (no cache), warm validate (blob cache), their ratios to the floor, peak RSS and
// files/s. Targets (issue 2): cold <= 1.5x floor, warm <= 0.2x floor, 10,000 files < 2 s.
//
//   node --import tsx scripts/bench/validate.ts [sizes...] [--cli]   (default: 1000 10000; --cli also
//   times the real CLI end to end, node and tsx start-up included)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadManifests } from '../../src/manifests/load.js';
import { compileSchemas } from '../../src/manifests/schema-validator.js';
import { openSource } from '../../src/source/index.js';
import type { Source } from '../../src/source/source.js';
import { packageRoot } from '../../src/util/paths.js';
import { generateManifestRepo } from './manifest-repo.js';

const withCli = process.argv.includes('--cli');
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
    if (withCli) {
      const cliCold = cli(repo, join(dir, 'cli-state'));
      const cliWarm = cli(repo, join(dir, 'cli-state'));
      console.log(`  CLI end to end (incl. node+tsx start): cold ${f1(cliCold)} ms, warm ${f1(cliWarm)} ms`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
