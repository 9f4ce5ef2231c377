// Where a command keeps its caches (parse cache, revision cache, clones of a remote repository):
// beside the state when the state directory exists, so repeated runs are fast; otherwise in a private
// temporary directory removed when the command ends, so a command that writes no state (validate,
// plan, status, history, --dry-run) creates nothing where it runs.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CacheDir {
  dir: string;
  /** True when the directory outlives the command (beside the state), false for a temporary one. */
  persistent: boolean;
  /** Removes the directory when it was a temporary one. */
  release(): void;
}

/** The cache directory for a state directory; `create` says the command is about to create that directory anyway. */
export function cacheDirFor(stateDir: string, create: boolean): CacheDir {
  if (create || existsSync(stateDir)) return { dir: join(stateDir, 'cache'), persistent: true, release: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'boreas-cache-'));
  return { dir, persistent: false, release: () => rmSync(dir, { recursive: true, force: true }) };
}
