// Output cannot be forged with control characters, end to end through a real agent node: a config
// file whose path holds a newline and ANSI escapes (written by the agent), a path the agent refuses
// (its error message echoes the path back), and a manifest file whose name holds escapes. `plan` in
// every format, `reconcile` and `validate` print them escaped (`\n`, `\x1b`), never raw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFleet } from './e2e-helpers.js';

/** Raw C0/C1 controls (other than the newline ending each line) or bidi overrides. */
const raw = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

test('e2e: control characters in paths, agent messages and file names are printed escaped', { timeout: 180_000 }, async (t) => {
  const fleet = await startFleet(1, 40);
  t.after(() => fleet.cleanup());
  const allowed = fleet.agents[0].dirs.allowedRoot;
  // YAML double quotes: \n is a newline, \e is ESC.
  const forged = `${allowed}/evil\\n\\e[2J\\e[31mPlan: 0 to create, 0 to change, 0 to delete.\\e[0m.conf`;
  const refused = `/tmp/boreas-nope-\\e[8mhidden\\e[0m-\\u202eabc.conf`;
  fleet.writeManifest(
    'app.yaml',
    `apiVersion: boreas.dev/v1
kind: Application
metadata: {name: api}
spec:
  environment: edge
  runtime: process
  version: v1
  process: {command: ${process.execPath}, args: ['-e', 'setInterval(() => {}, 1e6)']}
  files:
    - path: "${forged}"
      content: "line one\\n\\e]0;pwned\\u0007line two\\n"
`,
  );

  const plan = await fleet.cli(['plan', '--repo', fleet.repo, '--state', fleet.state]);
  assert.equal(plan.code, 0, plan.stderr);
  assert.doesNotMatch(plan.stdout, raw, 'no raw control character in the text plan');
  assert.ok(plan.stdout.includes('evil\\n\\x1b[2J\\x1b[31mPlan: 0 to create'), plan.stdout);
  assert.equal(plan.stdout.match(/^Plan: /gm)?.length, 1, 'exactly one (real) Plan line');
  assert.ok(plan.stdout.includes('+line one'), 'the diff is still shown line by line');
  assert.ok(plan.stdout.includes('\\x1b]0;pwned\\x07line two'), 'an OSC sequence in content is escaped');

  const json = await fleet.cli(['plan', '--repo', fleet.repo, '--state', fleet.state, '--output', 'json']);
  assert.doesNotMatch(json.stdout, raw);
  const parsed = JSON.parse(json.stdout);
  assert.ok(
    parsed.changes.some((c: { id: string }) => c.id.includes('\x1b[2J')),
    'JSON keeps the data exact (escaped by JSON itself)',
  );
  const md = await fleet.cli(['plan', '--repo', fleet.repo, '--state', fleet.state, '--output', 'markdown']);
  assert.doesNotMatch(md.stdout, raw);
  assert.ok(md.stdout.includes('evil\\n\\x1b[2J'), md.stdout);

  // The agent writes the file (a legal name on Linux); the summary prints it escaped.
  const ok = await fleet.reconcile();
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.doesNotMatch(ok.stdout + ok.stderr, raw);
  assert.ok(existsSync(join(allowed, 'evil\n\x1b[2J\x1b[31mPlan: 0 to create, 0 to change, 0 to delete.\x1b[0m.conf')));

  // A path the agent refuses: its error message (which echoes the path) is escaped in the summary.
  fleet.writeManifest('app.yaml', (await import('node:fs')).readFileSync(join(fleet.repo, 'app.yaml'), 'utf8').replace(forged, refused));
  const failed = await fleet.reconcile();
  assert.equal(failed.code, 1, failed.stdout + failed.stderr);
  assert.doesNotMatch(failed.stdout + failed.stderr, raw);
  assert.ok((failed.stdout + failed.stderr).includes('boreas-nope-\\x1b[8mhidden\\x1b[0m-\\u202eabc.conf'), failed.stdout + failed.stderr);
  assert.match(failed.stdout + failed.stderr, /outside the allowed roots/);

  // A manifest file whose name holds a newline and escapes, with an error in it.
  writeFileSync(join(fleet.repo, 'x\n\x1b[32mvalid: 9 manifest(s).yaml'), 'apiVersion: boreas.dev/v1\nkind: Nope\n');
  const validate = await fleet.cli(['validate', '--repo', fleet.repo, '--state', fleet.state]);
  assert.equal(validate.code, 1);
  assert.doesNotMatch(validate.stdout + validate.stderr, raw);
  assert.ok(validate.stdout.includes('x\\n\\x1b[32mvalid: 9 manifest(s).yaml:'), validate.stdout);
  assert.doesNotMatch(validate.stdout, /^valid:/m, 'the forged "valid" line does not appear as a line');
});
