// Where a runner keeps each instance on the machine: `<workDir>/instances/<instance>/` holds the
// state file, logs, downloaded artifact and relative config files. One layout for local and agent.
import { isAbsolute, join, resolve } from 'node:path';
import { UserError } from '../model/errors.js';

const safeName = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Directory of one instance; the name is checked so it cannot escape `instances/`. */
export function instanceDir(workDir: string, instance: string): string {
  if (!safeName.test(instance) || instance.includes('..')) throw new UserError(`invalid instance name "${instance}"`);
  return join(workDir, 'instances', instance);
}

export function instancesRoot(workDir: string): string {
  return join(workDir, 'instances');
}

/** Absolute path of an instance's config file: relative manifest paths live under the instance dir. */
export function resolveInstanceFilePath(workDir: string, instance: string, path: string): string {
  if (isAbsolute(path)) return resolve(path);
  const dir = instanceDir(workDir, instance);
  const abs = resolve(dir, path);
  if (!abs.startsWith(dir + '/')) throw new UserError(`file path "${path}" of ${instance} leaves its instance directory`);
  return abs;
}

export const stateFileName = 'state.json';
export const stdoutLogName = 'stdout.log';
export const stderrLogName = 'stderr.log';
