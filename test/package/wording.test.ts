// What users read says what things are: no "seed 000"/"seed 004" design-note numbers in any help
// text (every command's --help, read from the real CLI) or in the READMEs shipped with the package.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { packageRoot } from '../../src/util/paths.js';
import { runCli } from '../helpers/cli.js';

const jargon = /\bseeds?[\s-]*0\d\d\b|\bseed[\s-]+(api|json|shape|compatible)\b/i;

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? markdownFiles(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : [],
  );
}

test('no seed numbers in --help of any command', async () => {
  const top = await runCli(['--help']);
  assert.equal(top.code, 0);
  const commands = [...top.stdout.slice(top.stdout.indexOf('Commands:')).matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]).filter((c) => c !== 'help');
  assert.ok(commands.length >= 10, `commands found: ${commands.join(', ')}`);
  for (const text of [top.stdout, ...(await Promise.all(commands.map(async (c) => (await runCli([c, '--help'])).stdout)))]) {
    assert.doesNotMatch(text, jargon, text.match(jargon)?.[0]);
  }
});

test('no seed numbers in the READMEs users read', () => {
  const docs = [join(packageRoot, 'README.md'), ...['examples', 'src', 'systemd', 'manifests-template'].flatMap((d) => markdownFiles(join(packageRoot, d)))];
  assert.ok(docs.length >= 6);
  for (const file of docs) {
    const hit = readFileSync(file, 'utf8').match(jargon);
    assert.equal(hit, null, `${relative(packageRoot, file)}: "${hit?.[0]}"`);
  }
});
