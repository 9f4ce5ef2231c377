// `boreas init [dir]`: scaffolds a config repository from manifests-template/. Refuses to write into
// a non-empty directory so it can never overwrite someone's manifests.
import { cpSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../model/errors.js';
import { templateDir } from '../../util/paths.js';
import type { SetExit } from './index.js';

export function registerInit(program: Command, _setExit: SetExit): void {
  program
    .command('init')
    .argument('[dir]', 'directory to create the config repository in', '.')
    .description('Scaffold a config repository (a local Environment and one example Application)')
    .addHelpText('after', '\nThe directory must be empty or not exist yet. Validate the result with `boreas validate --repo <dir>`.')
    .action((dir: string) => {
      const target = resolve(dir);
      if (existsSync(target)) {
        if (!statSync(target).isDirectory()) throw new UserError(`${dir} exists and is not a directory`);
        if (readdirSync(target).length) throw new UserError(`${dir} is not empty; init only writes into an empty or new directory`);
      }
      mkdirSync(target, { recursive: true });
      cpSync(templateDir, target, { recursive: true });
      const shown = relative(process.cwd(), target) || '.';
      process.stdout.write(
        [
          `Created a Boreas config repository in ${shown}`,
          '',
          'Next steps:',
          `  boreas validate --repo ${shown}          # check the manifests`,
          `  boreas plan --repo ${shown}              # see what would run`,
          `  boreas reconcile --once --repo ${shown}  # run it on this machine (the local environment)`,
          `  cd ${shown} && git init && git add . && git commit -m "boreas config"`,
          '',
        ].join('\n'),
      );
    });
}
