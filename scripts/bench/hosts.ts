// Host convergence against Puppet (issue 12, goal 2): 100 configuration files and one supervised
// process on this machine, converged by `boreas reconcile --once` (the bundled CLI, local target)
// and, side by side in the same run, by `puppet apply` of the equivalent manifest (100 `file`
// resources and an `exec` that starts the process unless its pid is alive). Both are whole processes
// from a cold start. The first run starts from nothing (new state directory, no files, no process);
// the no-op run repeats it with nothing to change. Prints medians and Boreas/Puppet ratios
// (target: <= 1/7 on both), wall time and CPU time (user + system; steadier on a busy machine).
// Puppet is skipped with a message when it is not installed.
// Everything stays under a temporary directory; every process started is stopped by its pid.
//
//   node --import tsx scripts/bench/hosts.ts [runs]      (default 3; `npm run build` first)
//   BOREAS_BENCH_BEFORE=<an older build's main.js> adds its figures as a "before" row.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { packageRoot } from '../../src/util/paths.js';
import { fmt, median, type ProcessRun, runProcess } from './processes.js';

const runs = Number(process.argv[2] ?? 3);
const FILES = 100;
const bundle = join(packageRoot, 'dist', 'src', 'cli', 'main.js');
if (!existsSync(bundle)) throw new Error('no dist/src/cli/main.js: run `npm run build` first');
const puppet = ['/usr/bin/puppet', '/opt/puppetlabs/bin/puppet'].find(existsSync) ?? spawnSync('sh', ['-c', 'command -v puppet']).stdout?.toString().trim();
const tmp = mkdtempSync(join(tmpdir(), 'boreas-bench-hosts-'));

/** The content of config file i: a few hundred bytes, different per file. */
const content = (i: number) => `# config ${i}\nname = service-${i}\nport = ${9000 + i}\n${'option = value\n'.repeat(20)}`;

function boreasRepo(): string {
  const repo = join(tmp, 'repo');
  mkdirSync(repo, { recursive: true });
  writeFileSync(join(repo, 'environment.yaml'), 'apiVersion: boreas.dev/v1\nkind: Environment\nmetadata:\n  name: local\nspec:\n  type: local\n');
  const files = Array.from(
    { length: FILES },
    (_, i) => `    - path: conf/file-${i}.conf\n      mode: "0644"\n      content: ${JSON.stringify(content(i))}\n`,
  ).join('');
  writeFileSync(
    join(repo, 'app.yaml'),
    `apiVersion: boreas.dev/v1\nkind: Application\nmetadata:\n  name: hosts\nspec:\n  environment: local\n  runtime: process\n  process:\n    command: sleep\n    args: ["3601"]\n  health:\n    process: {}\n  files:\n${files}`,
  );
  return repo;
}

function puppetManifest(dir: string): string {
  const out = join(dir, 'out');
  const lines = [`file { '${out}': ensure => directory }`, `file { '${out}/conf': ensure => directory }`];
  for (let i = 0; i < FILES; i++) lines.push(`file { '${out}/conf/file-${i}.conf': content => ${JSON.stringify(content(i))}, mode => '0644' }`);
  lines.push(
    `exec { 'start-service': command => '/bin/sh -c "sleep 3602 >/dev/null 2>&1 & echo \\$! > ${out}/pid"', unless => '/bin/sh -c "kill -0 \\$(cat ${out}/pid 2>/dev/null) 2>/dev/null"', require => File['${out}/conf/file-${FILES - 1}.conf'] }`,
  );
  const file = join(dir, 'site.pp');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

type Times = { first: number[]; noop: number[]; firstCpu: number[]; noopCpu: number[] };
const boreas: Times = { first: [], noop: [], firstCpu: [], noopCpu: [] };
const before: Times = { first: [], noop: [], firstCpu: [], noopCpu: [] };
const beforeCli = process.env.BOREAS_BENCH_BEFORE;
const puppetTimes: Times = { first: [], noop: [], firstCpu: [], noopCpu: [] };

function runBoreas(repo: string, state: string, cli = bundle): ProcessRun {
  if (!started.boreas.some(([c, s]) => c === cli && s === state)) started.boreas.push([cli, state]);
  const r = runProcess(process.execPath, [cli, 'reconcile', '--once', '--repo', repo, '--state', join(state, 'state.db')], { env: { NO_COLOR: '1' } });
  if (r.status !== 0) throw new Error(`boreas reconcile exited ${r.status}: ${r.stdout}${r.stderr}`);
  return r;
}

function runPuppet(dir: string, manifest: string): ProcessRun {
  const d = (n: string) => join(dir, 'puppet', n);
  const args = [
    'apply',
    '--confdir',
    d('conf'),
    '--vardir',
    d('var'),
    '--codedir',
    d('code'),
    '--logdir',
    d('log'),
    '--rundir',
    d('run'),
    '--color=false',
    manifest,
  ];
  const r = runProcess(puppet!, args);
  if (r.status !== 0) throw new Error(`puppet apply exited ${r.status}: ${r.stdout}${r.stderr}`);
  return r;
}

/** What was started, stopped again in `finally` even when a run fails half-way. */
const started: { boreas: [cli: string, state: string][]; puppetPidFiles: string[] } = { boreas: [], puppetPidFiles: [] };

function cleanUp(): void {
  for (const [cli, state] of started.boreas) runProcess(process.execPath, [cli, 'down', '--state', join(state, 'state.db')]);
  for (const file of started.puppetPidFiles) stopPid(file);
}

function record(t: Times, run: 'first' | 'noop', r: ProcessRun): void {
  t[run].push(r.ms);
  t[run === 'first' ? 'firstCpu' : 'noopCpu'].push(r.cpuMs);
}

function stopPid(file: string): void {
  if (!existsSync(file)) return;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (pid > 0)
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
}

try {
  const repo = boreasRepo();
  for (let i = 0; i < runs; i++) {
    const state = join(tmp, `state-${i}`);
    record(boreas, 'first', runBoreas(repo, state));
    record(boreas, 'noop', runBoreas(repo, state));
    const down = runProcess(process.execPath, [bundle, 'down', '--state', join(state, 'state.db')]);
    if (down.status !== 0) throw new Error(`boreas down exited ${down.status}: ${down.stderr}`);
    if (beforeCli) {
      const old = join(tmp, `state-before-${i}`);
      record(before, 'first', runBoreas(repo, old, beforeCli));
      record(before, 'noop', runBoreas(repo, old, beforeCli));
      const oldDown = runProcess(process.execPath, [beforeCli, 'down', '--state', join(old, 'state.db')]);
      if (oldDown.status !== 0) throw new Error(`boreas down (before) exited ${oldDown.status}: ${oldDown.stderr}`);
    }
    if (puppet) {
      const dir = join(tmp, `puppet-${i}`);
      mkdirSync(dir);
      const manifest = puppetManifest(dir);
      started.puppetPidFiles.push(join(dir, 'out', 'pid'));
      record(puppetTimes, 'first', runPuppet(dir, manifest));
      record(puppetTimes, 'noop', runPuppet(dir, manifest));
      stopPid(join(dir, 'out', 'pid'));
    }
  }
  console.log(`hosts: ${FILES} config files + 1 process on this machine, ${runs} runs, medians (${new Date().toISOString()})`);
  console.log(`${''.padEnd(28)}${'first ms'.padStart(10)}${'no-op ms'.padStart(10)}${'first CPU'.padStart(11)}${'no-op CPU'.padStart(11)}`);
  const row = (name: string, t: Times) =>
    console.log(`${name.padEnd(28)}${fmt(median(t.first), 10)}${fmt(median(t.noop), 10)}${fmt(median(t.firstCpu), 11)}${fmt(median(t.noopCpu), 11)}`);
  row('boreas reconcile --once', boreas);
  if (beforeCli) row('before: reconcile --once', before);
  if (puppet) {
    row('puppet apply', puppetTimes);
    const ratio = (k: keyof Times) => (median(boreas[k]) / median(puppetTimes[k])).toFixed(2);
    console.log(
      `${'ratio boreas / puppet'.padEnd(28)}${ratio('first').padStart(10)}${ratio('noop').padStart(10)}${ratio('firstCpu').padStart(11)}${ratio('noopCpu').padStart(11)}   (target <= ${(1 / 7).toFixed(2)})`,
    );
    if (beforeCli) {
      const old = (k: keyof Times) => (median(before[k]) / median(puppetTimes[k])).toFixed(2);
      console.log(
        `${'ratio before / puppet'.padEnd(28)}${old('first').padStart(10)}${old('noop').padStart(10)}${old('firstCpu').padStart(11)}${old('noopCpu').padStart(11)}`,
      );
    }
  } else console.log('puppet is not installed here: its side of the comparison is skipped');
} finally {
  cleanUp();
  rmSync(tmp, { recursive: true, force: true });
}
