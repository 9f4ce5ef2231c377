// README's command tables are true to the CLI: every command's registered options appear exactly
// once, the common ones in the common-option table (with the commands that take them), the others
// in the command's own row (the daemon's and agent's through docs/options.md). A flag added, removed
// or renamed without updating README fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { COMMON_FLAGS } from '../../src/cli/options.js';
import { buildProgram } from '../../src/cli/program.js';
import { packageRoot } from '../../src/util/paths.js';

const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
const optionsDoc = readFileSync(join(packageRoot, 'docs/options.md'), 'utf8');

/** Leaf commands by path (`plan`, `secrets encrypt`) → their long flags. */
async function registered(): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const walk = (cmd: Command, prefix: string) => {
    for (const sub of cmd.commands) {
      const path = `${prefix}${sub.name()}`;
      if (sub.commands.length) walk(sub, `${path} `);
      else
        out.set(
          path,
          sub.options.map((o) => o.long ?? o.flags),
        );
    }
  };
  walk(await buildProgram([], () => undefined, { eager: true }), '');
  return out;
}

/** The rows of the markdown table whose header starts with `header`, as cells. */
function tableRows(text: string, header: string): string[][] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`| ${header} |`));
  assert.ok(start >= 0, `README has a table headed "${header}"`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  }
  return rows;
}

const flagsIn = (cell: string) => [...cell.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]);
/** `boreas secrets encrypt`, `boreas status [app]` → the command path. */
function commandOf(cell: string): string {
  const words: string[] = [];
  for (const w of cell.replace(/`/g, '').split(/\s+/).slice(1)) {
    if (!/^[a-z]+$/.test(w)) break;
    words.push(w);
  }
  return words.join(' ');
}

/** The section of docs/options.md about a command (up to the next heading). */
function optionsDocSection(command: string): string {
  const start = optionsDoc.indexOf(`## \`boreas ${command}\``);
  assert.ok(start >= 0, `docs/options.md has a section for boreas ${command}`);
  const end = optionsDoc.indexOf('\n## ', start + 1);
  return optionsDoc.slice(start, end < 0 ? undefined : end);
}

test('README lists the common options once, with exactly the commands that take each', async () => {
  const commands = await registered();
  const rows = tableRows(readme, 'common option');
  assert.deepEqual(
    rows.map((r) => flagsIn(r[0])[0]),
    [...COMMON_FLAGS],
  );
  for (const [cell, , takenBy] of rows) {
    const flag = flagsIn(cell)[0];
    const listed = takenBy.split(',').map((c) => c.trim());
    const actual = [...commands].filter(([, flags]) => flags.includes(flag)).map(([name]) => name);
    assert.deepEqual([...listed].sort(), actual.sort(), `README: commands taking ${flag}`);
  }
});

test("README's command table lists each command's own options, true to --help", async () => {
  const commands = await registered();
  const rows = tableRows(readme, 'command').filter(([cell]) => commandOf(cell) !== '');
  const common = new Set<string>(COMMON_FLAGS);
  assert.deepEqual(rows.map(([cell]) => commandOf(cell)).sort(), [...commands.keys()].filter((c) => c !== 'help').sort(), 'one row per command');
  for (const [cell, ownCell] of rows) {
    const name = commandOf(cell);
    const own = (commands.get(name) ?? []).filter((f) => !common.has(f));
    const listed = flagsIn(ownCell);
    if (ownCell.includes('docs/options.md')) {
      // The daemon and the agent: a few flags here, every one in their docs/options.md section.
      const section = optionsDocSection(name);
      for (const f of own) assert.ok(listed.includes(f) || section.includes(`\`${f} `) || section.includes(`\`${f}\``), `docs/options.md lists ${name} ${f}`);
      for (const f of listed) assert.ok(own.includes(f), `README: boreas ${name} has no ${f}`);
    } else assert.deepEqual([...listed].sort(), [...own].sort(), `README: own options of boreas ${name}`);
  }
});
