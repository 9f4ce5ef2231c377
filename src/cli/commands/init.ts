// `boreas init [dir]`: scaffolds a config repository that is safe to commit as it is (manifests,
// .gitignore for .boreas/, editor schemas). Refuses to write into a non-empty directory so it can
// never overwrite someone's manifests; `--update-schemas` refreshes only the schemas.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../model/errors.js';
import { SCHEMAS_SUBDIR, writeConfigRepo, writeEditorSchemas } from '../../scaffold/config-repo.js';
import type { SetExit } from './types.js';

export function registerInit(program: Command, _setExit: SetExit): void {
  program
    .command('init')
    .argument('[dir]', 'directory to create the config repository in', '.')
    .description('Scaffold a config repository (a local Environment and one example Application), ready to commit')
    .option('--update-schemas', `only rewrite ${SCHEMAS_SUBDIR}/ in an existing config repository (after upgrading Boreas)`)
    .addHelpText(
      'after',
      `
Writes the manifests, a .gitignore that keeps .boreas/ (state, state.key, logs) out of Git, and
${SCHEMAS_SUBDIR}/*.schema.json: each manifest starts with a "# yaml-language-server: $schema=..."
line pointing there, so editors with the YAML language server (VS Code's YAML extension, Neovim,
Helix, ...) validate and complete fields offline. The directory must be empty or not exist yet.`,
    )
    .action((dir: string, flags: { updateSchemas?: boolean }) => {
      const target = resolve(dir);
      const shown = relative(process.cwd(), target) || '.';
      if (existsSync(target) && !statSync(target).isDirectory()) throw new UserError(`${dir} exists and is not a directory`);
      if (flags.updateSchemas) {
        if (!existsSync(target)) throw new UserError(`${dir} does not exist; run \`boreas init ${dir}\` first`);
        const files = writeEditorSchemas(target);
        process.stdout.write(`Wrote ${files.length} schemas to ${relative(process.cwd(), resolve(target, SCHEMAS_SUBDIR))}/\n`);
        return;
      }
      if (existsSync(target) && readdirSync(target).length) throw new UserError(`${dir} is not empty; init only writes into an empty or new directory`);
      writeConfigRepo(target);
      const cd = shown === '.' ? [] : [`  cd ${shown}`];
      process.stdout.write(
        [
          `Created a Boreas config repository in ${shown}:`,
          '  environment.yaml, hello.yaml   the manifests: edit these',
          `  ${SCHEMAS_SUBDIR}/                       JSON Schemas your editor validates them against`,
          '  .gitignore                     keeps .boreas/ (state file, state.key, logs) out of Git',
          '',
          'Next steps:',
          ...cd,
          '  git init && git add . && git commit -m "boreas config"',
          '  boreas validate                # check the manifests',
          '  boreas plan                    # see what would run',
          '  boreas reconcile --once        # run it on this machine (the local environment)',
          '  curl http://127.0.0.1:18090/   # hello from boreas',
          '  boreas down                    # stop it again',
          '',
        ].join('\n'),
      );
    });
}
