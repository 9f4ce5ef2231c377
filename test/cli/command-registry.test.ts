// The command registry loads one command's module per run; every other command is listed by the
// summary kept in src/cli/commands/index.ts. These fail when a summary no longer matches what the
// command's module registers, so `boreas --help` reads the same however the program was built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildProgram } from '../../src/cli/program.js';
import { commands } from '../../src/cli/commands/index.js';

const noExit = () => undefined;

test('boreas --help lists every command exactly as the command modules describe themselves', async () => {
  const lazy = await buildProgram(['--help'], noExit);
  const eager = await buildProgram(['--help'], noExit, { eager: true });
  assert.equal(lazy.helpInformation(), eager.helpInformation());
  for (const entry of commands) assert.match(lazy.helpInformation(), new RegExp(`\\n  ${entry.name}\\b`), entry.name);
});

test('the command run (or asked for with help <command>) is registered in full, the others only listed', async () => {
  for (const argv of [
    ['validate', '--repo', 'x'],
    ['help', 'validate'],
    ['--no-color', 'validate'],
  ]) {
    const program = await buildProgram(argv, noExit);
    const validate = program.commands.find((c) => c.name() === 'validate')!;
    assert.ok(
      validate.options.some((o) => o.long === '--repo'),
      `validate has its options for ${argv.join(' ')}`,
    );
    const plan = program.commands.find((c) => c.name() === 'plan')!;
    assert.equal(plan.options.length, 0, 'plan is only listed');
  }
  for (const entry of commands) {
    const program = await buildProgram([entry.name, '--help'], noExit);
    const full = await buildProgram([entry.name], noExit, { eager: true });
    const cmd = (p: typeof program) => p.commands.find((c) => c.name() === entry.name)!;
    assert.equal(cmd(program).helpInformation(), cmd(full).helpInformation(), `${entry.name} --help`);
  }
});
