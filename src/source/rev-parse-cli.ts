// The git CLI as the last resort for revision forms the built-in resolver does not read (reflog
// `HEAD@{1}`, `@{-1}`, `main@{yesterday}`, `:/message`, `^{/regex}`): `git rev-parse` itself
// answers, so whatever git accepts in a local repository is accepted here.
import { execFile } from 'node:child_process';

/** The object `rev` names in the repository at `cwd` (callers peel it), or undefined when git cannot resolve it. */
export function revParseWithGitCli(cwd: string, rev: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    // --end-of-options: a revision can never be read as an option. No `^{commit}` suffix: after
    // `:/text` it would become part of the search.
    execFile('git', ['rev-parse', '--verify', '--quiet', '--end-of-options', rev], { cwd, timeout: 30_000 }, (err, stdout) => {
      const oid = stdout.trim();
      resolve(!err && /^[0-9a-f]{40}$/.test(oid) ? oid : undefined);
    });
  });
}
