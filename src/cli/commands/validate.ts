// `boreas validate`: schema + semantic validation of one revision. Exit 0 valid, 1 invalid, 2 usage
// or infrastructure error (repo or ref not found). Changes nothing except the parse cache.
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { assertHasManifests, manifestCount } from '../../manifests/empty.js';
import { loadManifests, type LoadResult } from '../../manifests/load.js';
import { formatDiagnostic } from '../../model/diagnostic.js';
import { ExitCode } from '../../model/errors.js';
import { openSource } from '../../source/index.js';
import { cacheDirFor } from '../../engine/cache-dir.js';
import type { RawFlags } from '../../util/options/index.js';
import { addCommonOptions, sessionFlags } from '../options.js';
import type { SetExit } from './types.js';
import { safeText, terminalJson } from '../../util/terminal-text.js';

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
Unchanged files (same git blob SHA) are served from a parse cache beside --state when its
directory exists; validate never creates it.

A path without any manifest is an error (exit 1: planning it would delete everything Boreas manages)
unless --allow-empty says it is meant.

Exit codes: 0 valid, 1 invalid or empty, 2 usage or infrastructure error (repo or ref not found).`,
    )
    .option('--allow-empty', 'accept a repository path without manifests');
  addCommonOptions(cmd, { manifests: true, output: ['text', 'json'] });
  cmd.action(async (flags: RawFlags & { output: 'text' | 'json'; allowEmpty?: boolean }) => {
    const { repo, ref, path, state } = sessionFlags(flags);
    const cache = cacheDirFor(dirname(state), false);
    try {
      const source = await openSource({ repo, ref, path, cacheDir: cache.dir });
      const result = await loadManifests(source, { cacheDir: cache.dir });
      const valid = !result.diagnostics.some((d) => d.severity === 'error');
      // The same refusal as plan and reconcile: an empty path is a wrong --repo/--path far more often than an intent.
      if (valid) assertHasManifests(result.manifests, source.description, flags.allowEmpty);
      process.stdout.write(flags.output === 'json' ? renderJson(result, valid) : renderText(result, valid));
      setExit(valid ? ExitCode.Ok : ExitCode.Failure);
    } finally {
      cache.release();
    }
  });
}

function renderText(result: LoadResult, valid: boolean): string {
  const lines = result.diagnostics.map((d) => safeText(formatDiagnostic(d)));
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  const warnings = result.diagnostics.length - errors.length;
  const count = manifestCount(result.manifests);
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
