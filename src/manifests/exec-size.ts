// What an Application hands to exec(): its command lines and its environment, and how many bytes the
// kernel counts for them. Shared by `validate` (literal values) and the run's secrets preflight (the
// same sum with resolved secret values), so both refuse the same thing: a command that could not start.
import type { Application, ContainerSpec, ProcessSpec, ScriptSpec } from '../model/manifest-types.generated.js';
import { MAX_EXEC_BYTES } from './limits.js';

/** One command line an application runs, with the field it comes from (for diagnostics). */
export interface ExecCommand {
  path: (string | number)[];
  argv: readonly string[];
}

/** The runtime blocks a command line can come from (an Application spec, or a Release version). */
interface RuntimeBlocks {
  process?: ProcessSpec;
  container?: ContainerSpec;
  script?: ScriptSpec;
}

/** Command lines of the runtime blocks under `base` (`['spec']`, `['spec', 'versions', 2]`). */
export function runtimeCommands(blocks: RuntimeBlocks, base: (string | number)[]): ExecCommand[] {
  const out: ExecCommand[] = [];
  const p = blocks.process;
  if (p) out.push({ path: [...base, 'process', p.args?.length ? 'args' : 'command'], argv: [p.command, ...(p.args ?? [])] });
  const c = blocks.container;
  if (c && (c.command?.length || c.args?.length))
    out.push({ path: [...base, 'container', c.args?.length ? 'args' : 'command'], argv: [...(c.command ?? []), ...(c.args ?? [])] });
  for (const k of ['start', 'stop', 'status'] as const) {
    const cmd = blocks.script?.[k];
    if (cmd) out.push({ path: [...base, 'script', k], argv: cmd });
  }
  return out;
}

/** Every command line of an application itself (its runtime blocks and an exec health check). */
export function applicationCommands(app: Application): ExecCommand[] {
  const out = runtimeCommands(app.spec, ['spec']);
  const exec = app.spec.health?.exec?.command;
  if (exec) out.push({ path: ['spec', 'health', 'exec', 'command'], argv: exec });
  return out;
}

/** Bytes of an argument vector as exec counts them: each string and its terminating NUL. */
export function argvBytes(argv: readonly string[]): number {
  let n = 0;
  for (const a of argv) n += Buffer.byteLength(a) + 1;
  return n;
}

/** Bytes of `NAME=value` strings with their NULs. */
export function envBytes(entries: Iterable<readonly [string, string]>): number {
  let n = 0;
  for (const [k, v] of entries) n += Buffer.byteLength(k) + Buffer.byteLength(v) + 2;
  return n;
}

/** The problem with one command line and environment, or undefined when it fits MAX_EXEC_BYTES. */
export function execSizeProblem(argv: number, env: number): string | undefined {
  if (argv + env <= MAX_EXEC_BYTES) return undefined;
  return `command line and environment take ${formatBytes(argv + env)} (arguments ${formatBytes(argv)}, environment ${formatBytes(env)}); at most ${formatBytes(MAX_EXEC_BYTES)} can be passed to a command on every machine`;
}

/** 131072 → "128 KiB", 3145728 → "3.0 MiB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Number.isInteger(n / 1024) ? n / 1024 : (n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}
