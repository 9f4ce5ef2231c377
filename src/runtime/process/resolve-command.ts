// Where an instance's command and path-like arguments point: relative paths in a manifest are
// relative to the repository checkout (local demos), bare names are looked up on PATH.
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { UserError } from '../../model/errors.js';

/** Finds an executable on PATH; `node` is this very Node binary so demos work without PATH setup. */
export function whichCommand(name: string, pathEnv = process.env.PATH ?? ''): string | undefined {
  if (name === 'node') return process.execPath;
  for (const dir of pathEnv.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/** Absolute executable path for `command` (absolute, relative with a slash → baseDir, bare → PATH). */
export function resolveCommand(command: string, baseDir: string, pathEnv?: string): string {
  if (isAbsolute(command)) return command;
  if (command.includes('/')) return resolve(baseDir, command);
  const found = whichCommand(command, pathEnv);
  if (!found) throw new UserError(`command "${command}" not found on PATH`);
  return found;
}

/**
 * Resolves relative path-like arguments (`servers/web.js`) against baseDir when that file exists
 * there; flags and other values pass unchanged, and relative paths that do not exist in the
 * checkout stay relative to the process's working directory (the instance dir, where files render).
 */
export function resolveArgs(args: string[], baseDir: string): string[] {
  return args.map((a) => {
    if (a === '' || a.startsWith('-') || isAbsolute(a) || a.includes('=')) return a;
    const candidate = resolve(baseDir, a);
    return existsSync(candidate) ? candidate : a;
  });
}
