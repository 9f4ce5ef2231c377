// `boreas validate`: schema + semantic validation of one revision. Exit 0 valid, 1 invalid, 2 usage
// or infrastructure error (repo or ref not found). Changes nothing except the parse cache.
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadManifests, type LoadResult } from '../../manifests/load.js';
import { formatDiagnostic } from '../../model/diagnostic.js';
import { ExitCode } from '../../model/errors.js';
import { openSource } from '../../source/index.js';
import { addOutputOption, addSourceOptions, addStateOption, stateDirOf } from '../options.js';
import type { SetExit } from './types.js';
import { safeText, terminalJson } from '../../util/terminal-text.js';

interface ValidateFlags {
  repo: string;
  ref?: string;
  path?: string;
  state: string;
  output: 'text' | 'json';
}

export function registerValidate(program: Command, setExit: SetExit): void {
  const cmd = program
    .command('validate')
    .description('Check every *.yaml/*.yml manifest against the JSON Schemas and the semantic rules')
    .addHelpText(
      'after',
      `
Checks YAML syntax, each document against its kind's schema, and cross-manifest rules (references
resolve, unique names, no dependsOn cycle, Release percents sum to 100, ports named by Ingress rules
exist, no inline secrets, ...). Every error is printed as
  file:line:col: Kind/name: field.path: message
Unchanged files (same git blob SHA) are served from a parse cache beside --state when it is given,
else in the repository's .boreas/cache.

Exit codes: 0 valid, 1 invalid, 2 usage or infrastructure error (repo or ref not found).`,
    );
  addSourceOptions(cmd);
  addStateOption(cmd);
  addOutputOption(cmd, ['text', 'json']);
  cmd.action(async (flags: ValidateFlags) => {
    const cacheDir = parseCacheDir(flags, cmd.getOptionValueSource('state') !== 'default');
    const source = await openSource({ repo: flags.repo, ref: flags.ref, path: flags.path, cacheDir });
    const result = await loadManifests(source, { cacheDir });
    const valid = !result.diagnostics.some((d) => d.severity === 'error');
    process.stdout.write(flags.output === 'json' ? renderJson(result, valid) : renderText(result, valid));
    setExit(valid ? ExitCode.Ok : ExitCode.Failure);
  });
}

/** Where the parse cache lives: beside an explicit --state; else in a local repository's own
 *  `.boreas/cache` (ignored by Git and by the manifest scan), so validating a repository from
 *  anywhere never writes into the current directory; a remote repository's beside the state file. */
function parseCacheDir(flags: ValidateFlags, explicitState: boolean): string {
  if (explicitState || /^https?:\/\//i.test(flags.repo)) return join(stateDirOf(flags.state), 'cache');
  return join(resolve(flags.repo), '.boreas', 'cache');
}

function renderText(result: LoadResult, valid: boolean): string {
  const lines = result.diagnostics.map((d) => safeText(formatDiagnostic(d)));
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  const warnings = result.diagnostics.length - errors.length;
  const count = countManifests(result);
  const rev = result.revision.sha.startsWith('worktree:') ? result.revision.sha.slice(0, 21) : result.revision.sha.slice(0, 12);
  const warned = warnings ? `, ${warnings} warning(s)` : '';
  if (valid) lines.push(`valid: ${count} manifest(s) in ${result.stats.files} file(s) at ${rev}${warned}`);
  else lines.push(`invalid: ${errors.length} error(s) in ${new Set(errors.map((d) => d.file)).size} file(s) at ${rev}${warned}`);
  return lines.join('\n') + '\n';
}

function renderJson(result: LoadResult, valid: boolean): string {
  const diagnostics = result.diagnostics.map((d) => ({
    file: d.file,
    line: d.line,
    col: d.col,
    manifest: d.manifest ?? null,
    field: d.field,
    message: d.message,
    severity: d.severity,
  }));
  return terminalJson({ valid, revision: result.revision.sha, diagnostics, stats: result.stats }, 2) + '\n';
}

function countManifests(result: LoadResult): number {
  const m = result.manifests;
  let raw = 0;
  for (const list of m.kubeObjects.values()) raw += list.length;
  return m.environments.size + m.nodes.size + m.applications.size + m.releases.size + m.ingresses.size + m.certificates.size + raw;
}
