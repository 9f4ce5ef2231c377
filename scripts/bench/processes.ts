// Timing whole processes for the benchmarks: wall time and peak RSS (GNU time's %M, else the
// kernel's figure for the child from getrusage) of a command run to completion, and medians.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface ProcessRun {
  ms: number;
  /** Peak resident set size of the process, in MB. */
  rssMb: number;
  /** CPU time (user + system) of the process and its children waited for, in ms; NaN without GNU time.
   *  Less sensitive than wall time to other load on a shared machine. */
  cpuMs: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Runs `cmd args` to completion and measures it. GNU time adds under a millisecond; the baselines
 *  are measured the same way. */
export function runProcess(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): ProcessRun {
  const [file, argv] = gnuTime ? [gnuTime, ['-f', '%M %U %S', cmd, ...args]] : [cmd, args];
  const t = performance.now();
  const r = spawnSync(file, argv, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - t;
  let stderr = r.stderr ?? '';
  let rssKb = 0;
  let cpuMs = Number.NaN;
  if (gnuTime) {
    const lines = stderr.trimEnd().split('\n');
    const [rss, user, sys] = (lines.pop() ?? '').split(' ').map(Number);
    rssKb = rss;
    cpuMs = (user + sys) * 1000;
    stderr = lines.join('\n');
  } else rssKb = process.resourceUsage().maxRSS; // an upper bound: the largest child so far
  return { ms, rssMb: rssKb / 1024, cpuMs, status: r.status, stdout: r.stdout ?? '', stderr };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const fmt = (x: number, width = 8, digits = 0) => x.toFixed(digits).padStart(width);
