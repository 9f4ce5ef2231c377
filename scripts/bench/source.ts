// Benchmark of the Git source (prints figures; not a test). A repo of 5,000 small YAML files is
// served over real smart HTTP (git http-backend) and measured:
//   - clone: isomorphic-git full vs shallow (depth 1) vs git CLI; no-op fetch; fetch of one commit;
//   - openSource cold (clone + checkout) and warm (no-op fetch, checkout reused);
//   - local working-tree listFiles cold vs warm (stat cache) vs the floor of reading every file,
//     and local --ref listFiles (tree objects only).
// Each operation runs in its own node process so its peak RSS is its own.
//
//   node --import tsx scripts/bench/source.ts [--files 5000] [--only remote|local]
import { execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readFile, rm, utimes, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';

const execFileAsync = promisify(execFile);
import { openSource } from '../../src/source/index.js';
import { fetchRemote } from '../../src/source/remote-source.js';
import type { TransportName } from '../../src/source/transport.js';
import { createBareClone, createGitRepo, runGit, writeFiles, type FileTree } from '../../test/helpers/git-repo.js';
import { startGitHttpServer } from '../../test/helpers/git-http-server.js';

interface PhaseArgs {
  op: 'noop' | 'fetch' | 'open' | 'list-worktree' | 'list-ref' | 'read-floor';
  repo: string;
  cacheDir: string;
  transport?: TransportName;
  depth?: number;
  ref?: string;
}

interface PhaseResult {
  ms: number;
  rssMB: number;
  files?: number;
}

/** Runs inside the child process: one operation, timed. */
async function runPhase(a: PhaseArgs): Promise<PhaseResult> {
  const t0 = performance.now();
  let files: number | undefined;
  if (a.op === 'fetch') await fetchRemote({ repo: a.repo, url: a.repo, cacheDir: a.cacheDir, transport: a.transport, depth: a.depth });
  if (a.op === 'open') await openSource({ repo: a.repo, cacheDir: a.cacheDir, transport: a.transport });
  if (a.op === 'list-worktree' || a.op === 'list-ref') {
    const source = await openSource({ repo: a.repo, cacheDir: a.cacheDir, ref: a.ref });
    files = (await source.listFiles()).length;
    await source.resolve(); // the working tree's clean-vs-HEAD check is part of every run
  }
  if (a.op === 'read-floor') files = await readAndHashAll(a.repo);
  return { ms: performance.now() - t0, rssMB: process.resourceUsage().maxRSS / 1024, files };
}

/** The floor for a cold scan: readdir + read + sha1 every file, no cache, no git. */
async function readAndHashAll(dir: string): Promise<number> {
  const entries = (await readdir(dir, { withFileTypes: true, recursive: true })).filter((e) => e.isFile() && !e.parentPath.includes('/.git'));
  await Promise.all(
    entries.map(async (e) => {
      const buf = await readFile(join(e.parentPath, e.name));
      createHash('sha1').update(`blob ${buf.length}\0`).update(buf).digest('hex');
    }),
  );
  return entries.length;
}

/** Runs one operation in a child process (async: the HTTP server lives in this process). */
async function phase(a: PhaseArgs): Promise<PhaseResult> {
  const self = fileURLToPath(import.meta.url);
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', self, '--phase', JSON.stringify(a)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as PhaseResult;
}

/** Peak RSS of one git CLI run, from GNU time, for the git CLI rows. */
async function gitCliPeakMB(args: string[]): Promise<number | undefined> {
  const child = spawn('/usr/bin/time', ['-f', '%M', 'git', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((r) => child.on('close', r).on('error', () => r(null)));
  const kb = Number(stderr.trim().split('\n').pop());
  return code === 0 && Number.isFinite(kb) ? kb / 1024 : undefined;
}

function manifestFiles(n: number, version: number): FileTree {
  const files: FileTree = {};
  for (let i = 0; i < n; i++) {
    const dir = `manifests/team-${String(i % 50).padStart(2, '0')}`;
    files[`${dir}/app-${i}.yaml`] =
      `apiVersion: boreas.dev/v1\nkind: Application\nmetadata:\n  name: app-${i}\n  labels:\n    team: t${i % 50}\n` +
      `spec:\n  environment: prod\n  runtime: container\n  version: v${version}\n  image: registry.local/app-${i}:${version}\n` +
      `  ports:\n    - name: http\n      port: ${10000 + (i % 5000)}\n`;
  }
  return files;
}

async function main(): Promise<void> {
  const n = Number(process.argv[process.argv.indexOf('--files') + 1]) || 5000;
  const onlyArg = process.argv.indexOf('--only');
  const only = onlyArg >= 0 ? process.argv[onlyArg + 1] : undefined; // remote | local
  const rows: [string, PhaseResult | { ms: number; rssMB?: number }][] = [];
  const row = (name: string, r: PhaseResult | { ms: number; rssMB?: number }) => {
    rows.push([name, r]);
    const rss = r.rssMB === undefined ? '' : `  peak RSS ${r.rssMB.toFixed(0)} MB`;
    console.log(`${name.padEnd(52)} ${r.ms.toFixed(0).padStart(7)} ms${rss}`);
  };

  console.log(`# Git source benchmark: ${n} YAML files, node ${process.version}, git ${execFileSync('git', ['--version'], { encoding: 'utf8' }).trim()}`);
  const work = await createGitRepo(manifestFiles(n, 1));
  const bare = await createBareClone(work);
  const server = await startGitHttpServer(bare.root);
  const url = `${server.url}/repo.git`;
  const caches: string[] = [];
  const newCache = async () => {
    const d = await mkdtemp(join(tmpdir(), 'boreas-bench-cache-'));
    caches.push(d);
    return d;
  };
  const pushOneCommit = async (i: number) => {
    await writeFiles(work.dir, { [`manifests/team-00/app-0.yaml`]: `changed: ${i}\n` });
    await work.commit(`change ${i}`);
    await runGit(work.dir, ['push', '--quiet', bare.path, 'main']);
  };

  try {
    row('baseline: node + tsx process doing nothing', await phase({ op: 'noop', repo: url, cacheDir: tmpdir() }));
    if (only !== 'local') await remoteRows();
    if (only !== 'remote') await localRows();
  } finally {
    await server.close();
    await Promise.all([work.cleanup(), bare.cleanup(), ...caches.map((d) => rm(d, { recursive: true, force: true }))]);
  }

  async function remoteRows(): Promise<void> {
    console.log('\n## Remote (http://127.0.0.1, git http-backend)');
    const transports: { name: string; transport: TransportName; depth?: number }[] = [
      { name: 'isomorphic-git full', transport: 'isomorphic-git' },
      { name: 'isomorphic-git shallow (depth 1)', transport: 'isomorphic-git', depth: 1 },
      { name: 'git CLI full', transport: 'git-cli' },
      { name: 'git CLI shallow (depth 1)', transport: 'git-cli', depth: 1 },
    ];
    let change = 0;
    for (const t of transports) {
      const cacheDir = await newCache();
      const base = { op: 'fetch' as const, repo: url, cacheDir, transport: t.transport, depth: t.depth };
      row(`${t.name}: clone`, await phase(base));
      row(`${t.name}: no-op fetch`, await phase(base));
      await pushOneCommit(++change);
      row(`${t.name}: fetch of one new commit`, await phase(base));
    }
    const cliDir = await newCache();
    const peak = await gitCliPeakMB(['clone', '--quiet', '--bare', url, join(cliDir, 'plain.git')]);
    if (peak !== undefined) console.log(`${'(plain `git clone --bare` peak RSS of the git process)'.padEnd(52)} ${peak.toFixed(0).padStart(7)} MB`);

    console.log('\n## openSource on the URL (fetch + resolve + checkout of the files into rootDir)');
    for (const transport of ['isomorphic-git', 'git-cli'] as TransportName[]) {
      const cacheDir = await newCache();
      row(`openSource ${transport}: cold (clone + checkout)`, await phase({ op: 'open', repo: url, cacheDir, transport }));
      row(`openSource ${transport}: warm (no-op fetch)`, await phase({ op: 'open', repo: url, cacheDir, transport }));
      await pushOneCommit(++change);
      row(`openSource ${transport}: one new commit (fetch + linked checkout)`, await phase({ op: 'open', repo: url, cacheDir, transport }));
    }
  }

  async function localRows(): Promise<void> {
    console.log('\n## Local directory');
    // Backdate mtimes past the racy window, as for any file not edited in the last seconds.
    const old = new Date(Date.now() - 60_000);
    for (const e of await readdir(join(work.dir, 'manifests'), { recursive: true, withFileTypes: true })) {
      if (e.isFile()) await utimes(join(e.parentPath, e.name), old, old);
    }
    const cacheDir = await newCache();
    row('floor: readdir + read + sha1 of every file', await phase({ op: 'read-floor', repo: work.dir, cacheDir }));
    row('working tree listFiles+resolve: cold (no stat cache)', await phase({ op: 'list-worktree', repo: work.dir, cacheDir }));
    row('working tree listFiles+resolve: warm (stat cache)', await phase({ op: 'list-worktree', repo: work.dir, cacheDir }));
    row('--ref main listFiles (tree objects, no blob reads)', await phase({ op: 'list-ref', repo: work.dir, cacheDir, ref: 'main' }));
  }
}

const phaseArg = process.argv.indexOf('--phase');
if (phaseArg >= 0) {
  runPhase(JSON.parse(process.argv[phaseArg + 1]) as PhaseArgs).then((r) => console.log(JSON.stringify(r)));
} else {
  await main();
}
