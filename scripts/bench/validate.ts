// Benchmark of `boreas validate`'s load path: generates repositories of 1,000 and 10,000 manifests
// (mixed kinds, realistic sizes) and prints, in one run, the floor (read + yaml.parse every file),
// cold validate (no cache), warm validate (blob cache), their ratios to the floor, peak RSS and
// files/s. Targets (issue 2): cold <= 1.5x floor, warm <= 0.2x floor, 10,000 files < 2 s.
//
//   node --import tsx scripts/bench/validate.ts [sizes...]     (default: 1000 10000)
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadManifests } from '../../src/manifests/load.js';
import { schemasHash } from '../../src/manifests/schema-validator.js';
import { openSource } from '../../src/source/index.js';
import { generateManifestRepo } from './manifest-repo.js';

const sizes = process.argv.slice(2).map(Number).filter(Boolean);

function listYaml(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.yaml')).map((f) => join(dir, f));
}

function floor(files: string[]): number {
  const t = performance.now();
  for (const f of files) parse(readFileSync(f, 'utf8'));
  return performance.now() - t;
}

async function validate(repo: string, cacheDir: string): Promise<{ ms: number; parsed: number; errors: number }> {
  const t = performance.now();
  const result = await loadManifests(await openSource({ repo, cacheDir }), { cacheDir });
  return { ms: performance.now() - t, parsed: result.stats.parsed, errors: result.diagnostics.length };
}

const mb = () => `${Math.round(process.resourceUsage().maxRSS / 1024)} MB`;
const f1 = (x: number) => x.toFixed(1);

const tc = performance.now();
schemasHash(); // compiles the schemas: once per process, reported apart
console.log(`ajv compile of schemas/ (once per process): ${f1(performance.now() - tc)} ms`);

for (const n of sizes.length ? sizes : [1000, 10000]) {
  const dir = mkdtempSync(join(tmpdir(), 'boreas-bench-'));
  try {
    const repo = join(dir, 'repo');
    generateManifestRepo(repo, n);
    const files = listYaml(repo);
    const bytes = files.reduce((s, f) => s + readFileSync(f).length, 0);
    const floorMs = Math.min(floor(files), floor(files));
    const cacheDir = join(dir, 'cache');
    const cold = await validate(repo, cacheDir);
    const warm1 = await validate(repo, cacheDir);
    const warm2 = await validate(repo, cacheDir);
    const warm = warm1.ms < warm2.ms ? warm1 : warm2;
    if (cold.errors || warm.errors) console.log(`  !! generated repo has ${cold.errors} diagnostics`);
    console.log(`\n${files.length} files (${(bytes / files.length / 1024).toFixed(1)} KiB avg, ${(bytes / 1048576).toFixed(1)} MiB)`);
    console.log(`  floor (read + yaml.parse):   ${f1(floorMs).padStart(8)} ms   ${Math.round(files.length / (floorMs / 1000))} files/s`);
    console.log(`  validate cold (no cache):    ${f1(cold.ms).padStart(8)} ms   ${Math.round(files.length / (cold.ms / 1000))} files/s   ${(cold.ms / floorMs).toFixed(2)}x floor (target <= 1.5)   parsed ${cold.parsed}`);
    console.log(`  validate warm (blob cache):  ${f1(warm.ms).padStart(8)} ms   ${Math.round(files.length / (warm.ms / 1000))} files/s   ${(warm.ms / floorMs).toFixed(2)}x floor (target <= 0.2)   parsed ${warm.parsed}`);
    console.log(`  peak RSS so far: ${mb()}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
