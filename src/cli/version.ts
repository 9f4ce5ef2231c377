// What `boreas --version` prints: the package version, plus the commit it was built from when the
// build recorded one (scripts/build-info.mjs, run by `npm run build`). Running the sources directly
// (tsx) or a build made outside a git checkout prints the version alone.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../util/paths.js';

interface BuildInfo {
  version?: string;
  commit?: string;
  dirty?: boolean;
}

function readJson<T>(path: string | URL): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** `0.1.0 (commit 1a2b3c4d5e6f)`, `0.1.0 (commit 1a2b3c4d5e6f, modified)` or `0.1.0`. */
export function versionText(): string {
  const version = readJson<{ version: string }>(join(packageRoot, 'package.json'))?.version ?? 'unknown';
  // Beside the compiled CLI (dist/src/build-info.json); absent when running from src/.
  const build = readJson<BuildInfo>(new URL('../build-info.json', import.meta.url));
  if (!build?.commit || build.version !== version) return version;
  return `${version} (commit ${build.commit.slice(0, 12)}${build.dirty ? ', modified' : ''})`;
}
