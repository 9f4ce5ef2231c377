// Locates files shipped with the package (schemas/, manifests-template/, examples/) whether running
// from src/ under tsx or from dist/ after `tsc`.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'schemas'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('boreas package root not found');
    dir = up;
  }
  return dir;
}

export const packageRoot = findPackageRoot();
export const schemasDir = join(packageRoot, 'schemas');
export const templateDir = join(packageRoot, 'manifests-template');
