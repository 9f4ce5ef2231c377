// A hash of the Boreas code and data that decide what a command computes (src/, schemas/, the
// package manifest and lockfile), so an outcome stored by one build is never served by another:
// a changed rule, message, schema or dependency invalidates it without anyone bumping a version.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './paths.js';

/** Set by the bundler (scripts/build.mjs) to the hash of the sources the bundle was built from;
 *  undefined when running the sources. */
declare const BOREAS_CODE_HASH: string | undefined;

/** What is hashed, relative to the package root: the same list in scripts/build.mjs. */
export const CODE_HASH_INPUTS = { dirs: ['src', 'schemas'], files: ['package.json', 'package-lock.json'] };

let computed: string | undefined;

/** The bundle's baked-in hash, else (running the sources) a hash of the files, once per process. */
export function boreasCodeHash(): string {
  if (typeof BOREAS_CODE_HASH === 'string') return BOREAS_CODE_HASH;
  if (computed) return computed;
  const hash = createHash('sha256');
  for (const dir of CODE_HASH_INPUTS.dirs) {
    const files = (readdirSync(join(packageRoot, dir), { recursive: true }) as string[]).filter((f) => /\.(ts|js|json)$/.test(f)).sort();
    for (const f of files) hash.update(`${dir}/${f}\0`).update(readFileSync(join(packageRoot, dir, f)));
  }
  for (const f of CODE_HASH_INPUTS.files) hash.update(`${f}\0`).update(readFileSync(join(packageRoot, f)));
  computed = hash.digest('hex');
  return computed;
}
