// A hash of the Boreas code and data that decide what a command computes (the code, schemas/, the
// package manifest and lockfile), so an outcome stored by one build is never served by another:
// a changed rule, message, schema or dependency invalidates it without anyone bumping a version.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from './paths.js';

/** Set by the bundler (scripts/build.mjs) to the hash of the sources the bundle was built from;
 *  undefined when running the sources (or a file-by-file transpiled copy of them). */
declare const BOREAS_CODE_HASH: string | undefined;

let computed: string | undefined;

/**
 * The bundle's baked-in hash; else a hash of the code this module belongs to (the folder above
 * util/: src/ under tsx, or a transpiled copy), schemas/ and the package files, once per process.
 * Should any of it be unreadable, a random value: nothing stored is then ever taken as current.
 */
export function boreasCodeHash(): string {
  if (typeof BOREAS_CODE_HASH === 'string') return BOREAS_CODE_HASH;
  if (computed) return computed;
  try {
    const hash = createHash('sha256');
    const codeRoot = dirname(dirname(fileURLToPath(import.meta.url)));
    for (const [name, dir] of [
      ['code', codeRoot],
      ['schemas', join(packageRoot, 'schemas')],
    ]) {
      const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => /\.(ts|js|json)$/.test(f)).sort();
      for (const f of files) hash.update(`${name}/${f}\0`).update(readFileSync(join(dir, f)));
    }
    for (const f of ['package.json', 'package-lock.json']) {
      const path = join(packageRoot, f);
      if (existsSync(path)) hash.update(`${f}\0`).update(readFileSync(path));
    }
    computed = hash.digest('hex');
  } catch {
    computed = `unhashable-${randomBytes(16).toString('hex')}`;
  }
  return computed;
}
