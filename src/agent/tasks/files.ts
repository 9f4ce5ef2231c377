// ApplyConfigFiles / RemoveFiles (docs/design.md, Agent protocol). Every path is checked against the allowed roots
// before anything is written, so a refused path leaves the node untouched (no partial apply); each
// read, write, chown and removal then resolves its path again beneath the root (runtime/files
// confined.ts), so a symlink swapped in between cannot redirect it.
import { mkdirSync } from 'node:fs';
import { checkBeneath, chownBeneath, parseMode, readFileBeneath, removeEmptyParents, removeFileBeneath, writeFileBeneath } from '../../runtime/files/index.js';
import { sha256 } from '../../util/hash.js';
import { isAbsolute } from 'node:path';
import { UserError } from '../../model/errors.js';
import { instanceDir, instancesRoot, resolveInstanceFilePath } from '../../runtime/paths.js';
import type { AgentContext } from '../context.js';
import type { TaskHandlers } from './types.js';

/** A file task's path and the roots it must stay beneath, checked (the real path returned). */
interface Confined {
  path: string;
  roots: string[];
  real: string;
}

/**
 * Where a file task may act: relative paths live in the instance dir (always allowed, it is the
 * agent's own); absolute ones must lie under an allowed root. Removal may also reach the nginx conf
 * and cert dirs, where sites and certificates are deployed (writes there go through DeployCertificate and nginx -t).
 */
function checkedPath(ctx: AgentContext, path: string, instance: string | undefined, extraRoots: string[] = []): Confined {
  if (!isAbsolute(path)) {
    if (!instance) throw new UserError(`path must be absolute: ${path}`);
    const root = instancesRoot(ctx.config.workDir);
    mkdirSync(root, { recursive: true });
    const abs = resolveInstanceFilePath(ctx.config.workDir, instance, path);
    return { path: abs, roots: [root], real: checkBeneath(abs, [root]) };
  }
  const roots = [...ctx.config.allowedRoots, ...extraRoots];
  return { path, roots, real: checkBeneath(path, roots) };
}

const applyConfigFiles: TaskHandlers['ApplyConfigFiles'] = async (ctx, { files }) => {
  const targets = files.map((f) => checkedPath(ctx, f.path, f.instance));
  let created = 0;
  let changed = 0;
  const locators: Array<{ path: string; contentHash: string; mode: number }> = [];
  for (const [i, f] of files.entries()) {
    const { path, roots } = targets[i];
    const mode = parseMode(f.mode, 0o644);
    const want = sha256(f.content);
    const had = readFileBeneath(path, roots);
    let real = targets[i].real;
    if (!had || sha256(had.content) !== want || had.mode !== mode) {
      real = await writeFileBeneath(path, roots, f.content, mode);
      if (had === undefined) created++;
      else changed++;
    }
    if (f.owner || f.group) await chownBeneath(path, roots, f.owner, f.group);
    locators.push({ path: real, contentHash: want, mode });
  }
  const outcome = created + changed === 0 ? 'unchanged' : created === files.length ? 'created' : 'configured';
  return { outcome, message: `${files.length} file(s): ${created} created, ${changed} updated`, locator: { files: locators } };
};

const removeFiles: TaskHandlers['RemoveFiles'] = async (ctx, { paths, instance }) => {
  const targets = paths.map((p) => checkedPath(ctx, p, instance, [ctx.config.nginxConfDir, ctx.config.nginxCertDir]));
  let removed = 0;
  for (const [i, t] of targets.entries()) {
    if (!removeFileBeneath(t.path, t.roots)) continue;
    removed++;
    // An instance's relative files live in its directory: do not leave it behind empty.
    if (instance && !isAbsolute(paths[i])) await removeEmptyParents(t.path, instanceDir(ctx.config.workDir, instance));
  }
  return { outcome: removed ? 'deleted' : 'unchanged', message: `${removed} file(s) removed`, removed: true };
};

export const fileHandlers: Pick<TaskHandlers, 'ApplyConfigFiles' | 'RemoveFiles'> = { ApplyConfigFiles: applyConfigFiles, RemoveFiles: removeFiles };
