// The CI recipes in examples/ci run as written: each recipe file is parsed, and the exact `run:` /
// `script:` lines of its jobs are executed by a shell in a clone of a config repository that has an
// `origin` with `main`, with `boreas` on PATH, the CI's predefined variables set to local values and
// the FAKE forge (test/fakes/forge) standing in for the GitHub/GitLab API. A pull request gets one
// plan comment (updated in place, never duplicated) and, once merged, the main-branch job converges.
// Only the `npm install -g "$BOREAS_PACKAGE"` line is not run (it needs a registry or a release
// URL; the package itself is tested in test/package): the test checks it is there, as written.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { packageRoot } from '../../src/util/paths.js';
import { startFakeForge } from '../fakes/forge/fake-forge.js';
import { runCli, writeCliShim } from '../helpers/cli.js';
import { createGitRepo, gitEnv, runGit } from '../helpers/git-repo.js';
import { appYaml, environmentYaml, freePort } from '../helpers/local-fleet.js';

const execFileAsync = promisify(execFile);
const TOKEN = 'glpat-fake-token-0123456789';
const INSTALL = 'npm install -g "$BOREAS_PACKAGE"';

interface Fixture {
  /** A CI checkout: a clone of the upstream with origin/main. */
  checkout(at: string): Promise<string>;
  upstream: Awaited<ReturnType<typeof createGitRepo>>;
  prHead: string;
  port: number;
  state: string;
  bin: string;
  forge: Awaited<ReturnType<typeof startFakeForge>>;
}

async function fixture(t: TestContext): Promise<Fixture> {
  const tmp = await mkdtemp(join(tmpdir(), 'boreas-ci-'));
  const forge = await startFakeForge({ [TOKEN]: 'boreas-bot' });
  const upstream = await createGitRepo();
  const port = await freePort();
  const state = join(tmp, 'state', 'state.db');
  const bin = join(tmp, 'bin');
  writeCliShim(bin);
  t.after(async () => {
    await runCli(['down', '--state', state]).catch(() => undefined);
    await forge.close();
    await upstream.cleanup();
    await rm(tmp, { recursive: true, force: true });
  });
  const log = join(tmp, 'starts.log');
  await upstream.write({ 'environment.yaml': environmentYaml(), 'apps/api.yaml': appYaml({ name: 'api', port, version: 'v1' }, log) });
  await upstream.commit('api v1');
  // The pull request: a branch with one more commit (two replicas of v2).
  await upstream.git('checkout', '--quiet', '-b', 'feature');
  await upstream.write({ 'apps/api.yaml': appYaml({ name: 'api', port, version: 'v2', replicas: 2 }, log) });
  const prHead = await upstream.commit('api v2, two replicas');
  await upstream.checkout('main');
  let clones = 0;
  return {
    upstream,
    prHead,
    port,
    state,
    bin,
    forge,
    async checkout(at) {
      const dir = join(tmp, `checkout-${clones++}`);
      await runGit(tmp, ['clone', '--quiet', upstream.dir, dir]);
      await runGit(dir, ['checkout', '--quiet', '--detach', at]);
      return dir;
    },
  };
}

/**
 * Runs one job's lines the way the CI runs them (a shell that stops at the first failure). Async:
 * the fake forge answers from this process's event loop.
 */
async function runLines(lines: string[], cwd: string, env: NodeJS.ProcessEnv, shell: 'bash' | 'sh') {
  const r = await execFileAsync(shell, ['-e', '-c', lines.join('\n')], { cwd, env: { ...gitEnv, NO_COLOR: '1', ...env }, timeout: 240_000 }).then(
    (ok) => ({ code: 0, ...ok }),
    (err: { code?: number; stdout?: string; stderr?: string }) => ({ code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' }),
  );
  return { code: r.code, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** GitHub's `${{ ... }}` expressions replaced from a table; an unknown one fails the test. */
function expand(value: string, expressions: Record<string, string>): string {
  return value.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expr: string) => {
    assert.ok(expr in expressions, `the test has no value for \${{ ${expr} }}`);
    return expressions[expr];
  });
}

type GitHubStep = { name?: string; uses?: string; run?: string; env?: Record<string, string> };

/** Runs the `run:` steps of a GitHub job in order; the install step is checked, not run. */
async function runGitHubJob(steps: GitHubStep[], cwd: string, env: NodeJS.ProcessEnv, expressions: Record<string, string>) {
  const outputs: string[] = [];
  for (const step of steps.filter((s) => s.run)) {
    const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(String(v), expressions)]));
    if (step.run!.trim() === INSTALL) {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, as written in the recipe
      assert.equal(step.env?.BOREAS_PACKAGE, '${{ vars.BOREAS_PACKAGE }}');
      continue;
    }
    const r = await runLines([step.run!], cwd, { ...env, ...stepEnv }, 'bash');
    assert.equal(r.code, 0, `step "${step.name}" failed:\n${r.stdout}\n${r.stderr}`);
    outputs.push(r.stdout);
  }
  return outputs;
}

test('examples/ci/github-actions.yml: PR → validate + one plan comment; push to main → reconcile converges', async (t) => {
  const fx = await fixture(t);
  const recipe = parse(await readFile(join(packageRoot, 'examples/ci/github-actions.yml'), 'utf8'));
  assert.deepEqual(Object.keys(recipe.on).sort(), ['pull_request', 'push']);
  assert.deepEqual(recipe.on.push.branches, ['main']);
  assert.equal(recipe.jobs.plan.if, "github.event_name == 'pull_request'");
  assert.equal(recipe.jobs.reconcile.if, "github.event_name == 'push' && github.ref == 'refs/heads/main'");
  assert.equal(recipe.permissions['pull-requests'], 'write');
  assert.deepEqual(recipe.jobs.plan.steps[0], { uses: 'actions/checkout@v4', with: { 'fetch-depth': 0 } }, 'full history, so origin/main exists');

  const env = {
    PATH: `${fx.bin}:${process.env.PATH}`,
    // What Actions sets for a pull_request run (GitHub Enterprise has its own API URL: the fake's).
    GITHUB_API_URL: fx.forge.url,
    GITHUB_REPOSITORY: 'acme/fleet',
    GITHUB_BASE_REF: 'main',
    GITHUB_EVENT_NAME: 'pull_request',
  };
  const expressions = {
    'secrets.GITHUB_TOKEN': TOKEN,
    'github.event.pull_request.number': '7',
    'vars.BOREAS_PACKAGE': 'unused',
    'vars.BOREAS_STATE': fx.state,
  };

  const pr = await fx.checkout(fx.prHead);
  const [validate, plan] = await runGitHubJob(recipe.jobs.plan.steps, pr, env, expressions);
  assert.match(validate, /^valid: 2 manifest\(s\)/m);
  const [comment] = fx.forge.comments('github', 'acme/fleet', 7);
  assert.equal(plan.trim(), `created https://github.com/acme/fleet/pull/7#issuecomment-${comment.id}`);
  assert.match(comment.body, /Plan: 1 to create, 1 to change, 0 to delete/);
  assert.equal(comment.author, 'boreas-bot');

  // Another push to the PR: the same job edits that comment instead of adding one.
  await fx.upstream.git('checkout', '--quiet', 'feature');
  await fx.upstream.write({ 'README.md': 'fleet\n' });
  const second = await fx.upstream.commit('docs');
  await fx.upstream.checkout('main');
  const [, again] = await runGitHubJob(recipe.jobs.plan.steps, await fx.checkout(second), env, expressions);
  assert.match(again, /^updated https:\/\/github\.com\/acme\/fleet\/pull\/7#issuecomment-/);
  assert.equal(fx.forge.comments('github', 'acme/fleet', 7).length, 1);

  // Merged: main moves to the PR head, and the push job reconciles it.
  await fx.upstream.git('merge', '--quiet', '--ff-only', 'feature');
  const main = await fx.checkout('origin/main');
  const [reconcile] = await runGitHubJob(recipe.jobs.reconcile.steps, main, { ...env, GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main' }, expressions);
  assert.match(reconcile, /converged/i);
  for (const p of [fx.port, fx.port + 1]) assert.equal((await fetch(`http://127.0.0.1:${p}/healthz`)).status, 200);
});

test('examples/ci/gitlab-ci.yml: MR → validate + one plan note; default branch → reconcile converges', async (t) => {
  const fx = await fixture(t);
  const recipe = parse(await readFile(join(packageRoot, 'examples/ci/gitlab-ci.yml'), 'utf8'));
  assert.deepEqual(recipe.default.before_script, [INSTALL]);
  const mrRule = [{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }];
  assert.deepEqual(recipe['boreas-validate'].rules, mrRule);
  assert.deepEqual(recipe['boreas-plan'].rules, mrRule);
  assert.deepEqual(recipe['boreas-reconcile'].rules, [{ if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH' }]);

  const env = {
    PATH: `${fx.bin}:${process.env.PATH}`,
    CI_PIPELINE_SOURCE: 'merge_request_event',
    CI_API_V4_URL: `${fx.forge.url}/api/v4`,
    CI_PROJECT_ID: '42',
    CI_MERGE_REQUEST_IID: '12',
    CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
    CI_DEFAULT_BRANCH: 'main',
    GITLAB_TOKEN: TOKEN,
    BOREAS_STATE: fx.state,
    GITHUB_TOKEN: '',
  };
  const job = async (name: string, cwd: string, extra: NodeJS.ProcessEnv = {}) => {
    const r = await runLines(recipe[name].script, cwd, { ...env, ...extra }, 'sh');
    assert.equal(r.code, 0, `${name} failed:\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };

  // An MR checkout as GitLab makes it: the MR head only, no origin/main until the job fetches it.
  const mr = await fx.checkout(fx.prHead);
  await runGit(mr, ['update-ref', '-d', 'refs/remotes/origin/main']);
  assert.match(await job('boreas-validate', mr), /^valid: 2 manifest\(s\)/m);
  const planned = await job('boreas-plan', mr);
  const [note] = fx.forge.comments('gitlab', '42', 12);
  assert.equal(planned.trim(), `created ${fx.forge.url}/api/v4/projects/42/merge_requests/12/notes/${note.id}`);
  assert.match(note.body, /Plan: 1 to create, 1 to change, 0 to delete/);
  assert.match(await job('boreas-plan', mr), /^unchanged /, 'a rerun with the same plan writes nothing');
  assert.equal(fx.forge.writes().length, 1);

  await fx.upstream.git('merge', '--quiet', '--ff-only', 'feature');
  const main = await fx.checkout('origin/main');
  assert.match(await job('boreas-reconcile', main, { CI_PIPELINE_SOURCE: 'push', CI_COMMIT_BRANCH: 'main' }), /converged/i);
  for (const p of [fx.port, fx.port + 1]) assert.equal((await fetch(`http://127.0.0.1:${p}/healthz`)).status, 200);
});
