// `boreas validate`: schema + semantic validation of one revision. Exit 0 valid, 1 invalid, 2 usage
// or infrastructure error (repo or ref not found). Changes nothing except the caches (parse cache,
// stored outcome).
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { type CacheDir, cacheDirFor } from '../../engine/cache-dir.js';
import { assertManifestCount } from '../../manifests/empty.js';
import type { LoadResult } from '../../manifests/load.js';
import { formatDiagnostic } from '../../model/diagnostic.js';
import { ExitCode } from '../../model/errors.js';
import { isRemoteRepo, isUnsupportedUrl } from '../../source/remote-url.js';
import { worktreeFingerprint } from '../../source/worktree-fingerprint.js';
import { boreasCodeHash } from '../../util/code-hash.js';
import type { RawFlags } from '../../util/options/resolve.js';
import { addCommonOptions, sessionFlags } from '../options.js';
import type { SetExit } from './types.js';
import { safeText, terminalJson } from '../../util/terminal-text.js';
import { readOutcome, saveOutcome, type ValidateOutcome } from '../../engine/validate-outcome-cache.js';

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
directory exists; validate never creates it. There, validating a working tree that has not changed
at all since the last validation (same files, sizes, modification times and inodes, same HEAD,
same Boreas) prints the stored outcome without reading the files.

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
      const { outcome, description } = await validateRepository(repo, ref, path, cache);
      const valid = !outcome.diagnostics.some((d) => d.severity === 'error');
      // The same refusal as plan and reconcile: an empty path is a wrong --repo/--path far more often than an intent.
      if (valid) assertManifestCount(outcome.manifests, description, flags.allowEmpty);
      process.stdout.write(flags.output === 'json' ? renderJson(outcome, valid) : renderText(outcome, valid));
      setExit(valid ? ExitCode.Ok : ExitCode.Failure);
    } finally {
      cache.release();
    }
  });
}

/**
 * The outcome of validating the repository: stored from an earlier run when the working tree's
 * fingerprint (every file's stat, HEAD) and the Boreas code are the same, else a full load, stored
 * for next time. Only a local working tree (no --ref) with a persistent cache dir has a stored
 * outcome; the loader is imported only when it has to run, so the stored path starts quickly.
 */
async function validateRepository(
  repo: string,
  ref: string | undefined,
  path: string | undefined,
  cache: CacheDir,
): Promise<{ outcome: ValidateOutcome; description: string }> {
  const local = !ref && cache.persistent && !isRemoteRepo(repo) && !isUnsupportedUrl(repo);
  const dir = resolve(repo || '.');
  const slot = `${dir}\0${path ?? ''}`;
  const fingerprint = local ? worktreeFingerprint(dir, path) : undefined;
  // A kustomization's rendering also depends on the kubectl installed: never answered from storage.
  const storable = fingerprint && !fingerprint.files.some(({ path: p }) => /(^|\/)(kustomization\.ya?ml|Kustomization)$/.test(p));
  const key = storable ? `${fingerprint.hash}\0${boreasCodeHash()}` : undefined;
  const stored = key ? readOutcome(cache.dir, slot, key) : undefined;
  if (stored) return { outcome: stored, description: dir };

  const [{ openSource }, { loadManifests }, { manifestCount }, { startAnalysisHelper, stopAnalysisHelper }, { hasParseCache }] = await Promise.all([
    import('../../source/index.js'),
    import('../../manifests/load.js'),
    import('../../manifests/empty.js'),
    import('../../manifests/analyze-parallel.js'),
    import('../../manifests/parse-cache.js'),
  ]);
  // Many files and no parse cache yet: a second thread starts loading the parser now, while the
  // files are listed and read (a parse cache usually leaves few files to parse).
  const helper = startAnalysisHelper(fingerprint && !hasParseCache(cache.dir) ? fingerprint.files.length : 0);
  let result: LoadResult;
  let description: string;
  try {
    // The fingerprint's walk and stats serve as the listing: the tree is walked and stated once.
    const source = await openSource({ repo, ref, path, cacheDir: cache.dir, listing: fingerprint?.files });
    description = source.description;
    result = await loadManifests(source, { cacheDir: cache.dir, helper });
  } finally {
    stopAnalysisHelper(helper);
  }
  const outcome: ValidateOutcome = {
    revision: result.revision,
    diagnostics: result.diagnostics,
    stats: result.stats,
    manifests: manifestCount(result.manifests),
  };
  // Stored under the fingerprint taken before anything was read: an edit made meanwhile changes the
  // stat, so the next run validates again. A racy fingerprint (a file just written) is not used.
  if (key && fingerprint && !fingerprint.racy) saveOutcome(cache.dir, slot, key, outcome);
  return { outcome, description };
}

function renderText(result: ValidateOutcome, valid: boolean): string {
  const lines = result.diagnostics.map((d) => safeText(formatDiagnostic(d)));
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  const warnings = result.diagnostics.length - errors.length;
  const count = result.manifests;
  const rev = result.revision.sha.startsWith('worktree:') ? result.revision.sha.slice(0, 21) : result.revision.sha.slice(0, 12);
  const warned = warnings ? `, ${warnings} warning(s)` : '';
  if (valid) lines.push(`valid: ${count} manifest(s) in ${result.stats.files} file(s) at ${rev}${warned}`);
  else lines.push(`invalid: ${errors.length} error(s) in ${new Set(errors.map((d) => d.file)).size} file(s) at ${rev}${warned}`);
  return lines.join('\n') + '\n';
}

function renderJson(result: ValidateOutcome, valid: boolean): string {
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
