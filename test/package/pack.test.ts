// The npm package as a user gets it. A copy of this checkout (tracked and new files, nothing
// ignored) is built once outside any git repository (--version prints the version alone), then
// committed and packed with `npm pack`, which rebuilds from an empty dist/ and records the commit.
// The tarball's file list is checked (CLI, schemas, template, units, examples; no tests, sources,
// source maps or example package.json files), and it is installed the way `npm install -g` lays a
// package out: extracted to <prefix>/lib/node_modules/boreas with <prefix>/bin/boreas linked to its
// bin. The registry is not reachable in tests, so dependencies are linked from this checkout —
// only the production ones (`npm ls --omit=dev`), so a runtime import of a devDependency fails here.
// Then `boreas` runs from unrelated directories: --version, --help, init + validate, the examples.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../../src/util/paths.js';
import { gitEnv } from '../helpers/git-repo.js';

const exec = promisify(execFile);
const version = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')).version as string;

async function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  return exec(cmd, args, { cwd, env: { ...gitEnv, NO_COLOR: '1', ...env }, maxBuffer: 64 * 1024 * 1024, timeout: 300_000 });
}

test('npm pack: the tarball holds what a user needs and nothing else; installed, `boreas` runs from anywhere', async (t) => {
  const tmp = mkdtempSync(join(tmpdir(), 'boreas-pack-'));
  t.after(() => rmSync(tmp, { recursive: true, force: true }));

  // A copy of the checkout as it is now (tracked files and new ones, minus what .gitignore drops).
  const copy = join(tmp, 'checkout');
  const listed = (await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], packageRoot)).stdout.split('\0').filter(Boolean);
  for (const file of listed) {
    if (!existsSync(join(packageRoot, file))) continue; // deleted in the work tree, not yet committed
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    cpSync(join(packageRoot, file), join(copy, file));
  }
  symlinkSync(join(packageRoot, 'node_modules'), join(copy, 'node_modules'));

  // Built outside a git checkout: the version alone.
  await run('npm', ['run', 'build', '--silent'], copy);
  assert.equal((await run(process.execPath, [join(copy, 'dist/src/cli/main.js'), '--version'], tmp)).stdout, `${version}\n`);

  // Committed, then packed: prepack empties dist/, prepare builds it again and records the commit.
  await run('git', ['init', '--quiet', '--initial-branch=main'], copy);
  await run('sh', ['-c', 'echo node_modules >> .git/info/exclude && git add -A && git commit --quiet -m release'], copy);
  const commit = (await run('git', ['rev-parse', 'HEAD'], copy)).stdout.trim();
  mkdirSync(join(copy, 'dist', 'stale'), { recursive: true });
  // The build's own output (prepare) comes first on stdout; the JSON report is the last thing printed.
  const packOut = (await run('npm', ['pack', '--json', '--pack-destination', tmp], copy)).stdout;
  const packed = JSON.parse(packOut.slice(packOut.search(/^\[$/m)))[0] as {
    filename: string;
    files: { path: string; mode: number }[];
  };
  const files = packed.files.map((f) => f.path).sort();

  for (const required of [
    'package.json',
    'README.md',
    'LICENSE',
    'dist/src/cli/main.js',
    'dist/src/build-info.json',
    'schemas/application.schema.json',
    'schemas/common.schema.json',
    'schemas/config/daemon-config.schema.json',
    'schemas/config/agent-config.schema.json',
    'manifests-template/environment.yaml',
    'manifests-template/hello.yaml',
    'manifests-template/README.md',
    'systemd/boreas-daemon.service',
    'systemd/boreas-agent.service',
    'systemd/README.md',
    'examples/ci/github-actions.yml',
    'examples/ci/gitlab-ci.yml',
    'examples/quickstart/servers/web.mjs',
  ])
    assert.ok(files.includes(required), `${required} is in the package`);
  const unwanted = files.filter(
    (f) =>
      /^(test|src|scripts|\.ci|node_modules|\.boreas)\//.test(f) ||
      /\.test\.|\.ts$|\.map$/.test(f) ||
      /^examples\/.*package\.json$/.test(f) ||
      f.startsWith('dist/stale') ||
      f.startsWith('dist/test'),
  );
  assert.deepEqual(unwanted, [], 'no tests, TypeScript sources, source maps, stale build output or example package.json');
  const bin = packed.files.find((f) => f.path === 'dist/src/cli/main.js')!;
  assert.equal(bin.mode & 0o111, 0o111, 'the bin is executable');
  assert.equal(JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8')).bin.boreas, 'dist/src/cli/main.js');

  // Laid out as `npm install -g --prefix <prefix> <tarball>` does it.
  const prefix = join(tmp, 'prefix');
  const installed = join(prefix, 'lib', 'node_modules', 'boreas');
  mkdirSync(installed, { recursive: true });
  await run('tar', ['-xzf', join(tmp, packed.filename), '-C', installed, '--strip-components=1'], tmp);
  const prod = (await run('npm', ['ls', '--omit=dev', '--all', '--parseable'], packageRoot)).stdout.split('\n').filter(Boolean);
  const rootModules = join(realpathSync(packageRoot), 'node_modules');
  for (const dep of prod.map((p) => realpathSync(p))) {
    const rel = relative(rootModules, dep);
    if (rel.startsWith('..') || rel.includes('node_modules')) continue; // the package itself, or nested under a linked one
    mkdirSync(dirname(join(installed, 'node_modules', rel)), { recursive: true });
    symlinkSync(dep, join(installed, 'node_modules', rel));
  }
  mkdirSync(join(prefix, 'bin'));
  symlinkSync('../lib/node_modules/boreas/dist/src/cli/main.js', join(prefix, 'bin', 'boreas'));

  // From directories that have nothing to do with the checkout.
  const elsewhere = join(tmp, 'elsewhere');
  mkdirSync(elsewhere);
  const env = { PATH: `${join(prefix, 'bin')}:${process.env.PATH}` };
  const boreas = (args: string[], cwd = elsewhere) => run('boreas', args, cwd, env);
  assert.equal((await boreas(['--version'])).stdout, `${version} (commit ${commit.slice(0, 12)})\n`);
  assert.match((await boreas(['--help'])).stdout, /Usage: boreas/);
  const init = await boreas(['init', 'site']);
  assert.match(init.stdout, /Next steps:/);
  assert.ok(statSync(join(elsewhere, 'site', 'schemas', 'application.schema.json')).isFile());
  assert.match((await boreas(['validate'], join(elsewhere, 'site'))).stdout, /^valid: 2 manifest\(s\) in 2 file\(s\)/m);
  // The examples shipped in the package validate, also when run from inside an example folder.
  assert.match((await boreas(['validate', '--repo', join(installed, 'examples', 'full'), '--state', join(elsewhere, 's.db')])).stdout, /^valid: 26 manifest/m);
  assert.match((await boreas(['validate', '--state', join(elsewhere, 's.db')], join(installed, 'examples', 'quickstart'))).stdout, /^valid: 3 manifest/m);
  assert.ok(!existsSync(join(installed, 'examples', 'quickstart', '.boreas')), 'nothing written into the installed package');

  // In a checkout, npx from inside an example folder resolves the checkout's own package (no
  // package.json of its own stops the lookup): --offline proves nothing is fetched.
  const npx = await run('npm', ['exec', '--offline', '--', 'boreas', '--version'], join(copy, 'examples', 'quickstart'));
  assert.equal(npx.stdout, `${version} (commit ${commit.slice(0, 12)})\n`);
});
