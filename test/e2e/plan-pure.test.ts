// `plan` and `reconcile --dry-run` are reads: on every example, and on a state file that already
// manages something, they leave every byte under the state directory as it was (caches aside), and
// a plan with an ACME certificate to issue never talks to the ACME server.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { packageRoot } from '../../src/util/paths.js';
import { runCli } from '../helpers/cli.js';
import { createGitRepo } from '../helpers/git-repo.js';
import { createFleet, freePort, reconcileArgs } from '../helpers/local-fleet.js';

/**
 * sha256 of every file under the state directory except the caches and the apps' own logs, by relative
 * path. A read-only SQLite reader may leave the WAL index (-shm) and an empty -wal behind: neither
 * holds data, so they are left out (a -wal with frames in it would be kept, and would differ).
 */
function stateChecksums(stateDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (p !== join(stateDir, 'cache')) walk(p);
      } else if (
        statSync(p).isFile() &&
        !e.name.endsWith('.log') &&
        !/\.log\.\d$/.test(e.name) &&
        !e.name.endsWith('-shm') &&
        !(e.name.endsWith('-wal') && statSync(p).size === 0)
      ) {
        out[relative(stateDir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
      }
    }
  };
  walk(stateDir);
  return out;
}

/** A state file that manages nothing: a reconcile of an empty directory (`down` creates none when there is nothing to remove). */
async function createEmptyState(file: string): Promise<void> {
  const empty = mkdtempSync(join(tmpdir(), 'boreas-plan-pure-empty-'));
  try {
    const r = await runCli(['reconcile', '--once', '--allow-empty', '--repo', empty, '--state', file]);
    assert.equal(r.code, 0, r.stderr);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
}

for (const example of ['quickstart', 'ingress', 'full']) {
  test(`plan on examples/${example} leaves the state file byte-identical`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), `boreas-plan-pure-${example}-`));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const repo = join(dir, 'repo');
    cpSync(join(packageRoot, 'examples', example), repo, { recursive: true });
    const state = join(dir, 'state', 'state.db');
    // An existing, empty state file.
    await createEmptyState(state);
    const before = stateChecksums(join(dir, 'state'));
    assert.ok(before['state.db'], 'the state file exists');
    for (const args of [['plan'], ['plan', '--output', 'json'], ['reconcile', '--once', '--dry-run']]) {
      const r = await runCli([...args, '--repo', repo, '--state', state], { timeoutMs: 60_000 });
      assert.ok(r.code === 0 || r.code === 1, `${args.join(' ')} on ${example}: exit ${r.code}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /internal error/);
      assert.deepEqual(stateChecksums(join(dir, 'state')), before, `${args.join(' ')} changed nothing under the state dir`);
    }
  });
}

test('plan against a managed state: changes shown, nothing written, no ACME request', async (t) => {
  const fleet = await createFleet();
  t.after(() => fleet.cleanup());
  const port = await freePort();
  await fleet.setApps([
    { name: 'api', port, replicas: 2 },
    { name: 'old', port: port + 10 },
  ]);
  assert.equal((await fleet.cli(reconcileArgs(fleet))).code, 0);
  // Scale, remove and add: every kind of change is planned.
  await fleet.setApps(
    [
      { name: 'api', port, replicas: 1 },
      { name: 'new', port: port + 20 },
    ],
    'change everything',
  );
  const before = stateChecksums(dirname(fleet.stateFile));
  const plan = await fleet.cli(['plan', '--repo', fleet.repo.dir, '--detailed-exitcode']);
  assert.equal(plan.code, 2, plan.stdout + plan.stderr);
  assert.match(plan.stdout, /1 to create, 0 to change, 2 to delete/);
  const dry = await fleet.cli(['reconcile', '--once', '--dry-run', '--repo', fleet.repo.dir]);
  assert.match(dry.stdout, /Dry run: nothing was changed/);
  assert.deepEqual(stateChecksums(dirname(fleet.stateFile)), before);

  // An ACME certificate to issue: the plan says so, and the ACME directory hears nothing.
  let acmeRequests = 0;
  const acme = createServer((_req, res) => {
    acmeRequests++;
    res.writeHead(500).end();
  });
  await new Promise<void>((r) => acme.listen(0, '127.0.0.1', r));
  t.after(() => acme.close());
  const acmePort = (acme.address() as { port: number }).port;
  const conf = mkdtempSync(join(tmpdir(), 'boreas-plan-pure-nginx-'));
  t.after(() => rmSync(conf, { recursive: true, force: true }));
  const repo = await createGitRepo({
    'env.yaml': `apiVersion: boreas.dev/v1\nkind: Environment\nmetadata: {name: dev}\nspec:\n  type: local\n  nginx: {confDir: ${conf}, certDir: ${conf}, webroot: ${conf}, httpPort: ${await freePort()}, httpsPort: ${await freePort()}, listen: 127.0.0.1}\n`,
    'app.yaml': `apiVersion: boreas.dev/v1\nkind: Application\nmetadata: {name: web}\nspec:\n  environment: dev\n  runtime: process\n  process: {command: node, args: [-e, "setInterval(() => {}, 1000)"]}\n  ports: [{name: http, port: ${await freePort()}}]\n`,
    'tls.yaml': `apiVersion: boreas.dev/v1\nkind: Certificate\nmetadata: {name: web-cert}\nspec:\n  domains: [web.boreas.test]\n  issuer: {acme: {directory: "http://127.0.0.1:${acmePort}/dir", email: ops@boreas.test}}\n---\napiVersion: boreas.dev/v1\nkind: Ingress\nmetadata: {name: web}\nspec:\n  hosts: [web.boreas.test]\n  tls: {certificate: web-cert}\n  rules: [{application: web, port: http}]\n`,
  });
  t.after(() => repo.cleanup());
  await repo.commit('acme');
  const state = join(dirname(fleet.stateFile), 'acme', 'state.db');
  await createEmptyState(state);
  const acmeBefore = stateChecksums(join(dirname(fleet.stateFile), 'acme'));
  const acmePlan = await runCli(['plan', '--repo', repo.dir, '--state', state]);
  assert.equal(acmePlan.code, 0, acmePlan.stdout + acmePlan.stderr);
  assert.match(acmePlan.stdout, /Certificate web-cert \(NotFound: issue certificate web-cert for web\.boreas\.test\)/);
  assert.match(acmePlan.stdout, /after certificates\/Certificate\/web-cert is applied/, 'the files and the TLS site wait for the issuance');
  assert.equal(acmeRequests, 0, 'plan made no ACME request');
  assert.deepEqual(stateChecksums(join(dirname(fleet.stateFile), 'acme')), acmeBefore);
});
