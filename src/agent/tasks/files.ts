// ApplyConfigFiles / RemoveFiles (docs/design.md, Agent protocol). Every path is checked against the allowed roots
// before anything is written, so a refused path leaves the node untouched (no partial apply); each
// read, write, chown and removal then resolves its path again beneath the root (runtime/files
// confined.ts), so a symlink swapped in between cannot redirect it.
import { mkdirSync } from 'node:fs';
import { checkBeneath, chownBeneath, ensureFileBeneath, parseMode, removeEmptyParents, removeFileBeneath } from '../../runtime/files/index.js';
import { sha256 } from '../../util/hash.js';
import { isAbsolute } from 'node:path';
import { UserError } from '../../model/errors.js';
import { instanceDir, instancesRoot, resolveInstanceFilePath } from '../../runtime/paths.js';
import type { AgentContext } from '../context.js';
import type { TaskHandlers } from './types.js';

/** A file task's path and the roots it must stay beneath. */
interface Confined {
  path: string;
  roots: string[];
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
    return { path: abs, roots: [root] };
  }
  return { path, roots: [...ctx.config.allowedRoots, ...extraRoots] };
}

/** Checks every path before the first is acted on, so a refused one leaves the node untouched. */
function checkAll(targets: Confined[]): void {
  for (const t of targets) checkBeneath(t.path, t.roots);
}

const applyConfigFiles: TaskHandlers['ApplyConfigFiles'] = async (ctx, { files }) => {
  const targets = files.map((f) => checkedPath(ctx, f.path, f.instance));
  // A single file's write resolves, and so checks, its own path before it writes anything.
  if (targets.length > 1) checkAll(targets);
  let created = 0;
  let changed = 0;
  const locators: Array<{ path: string; contentHash: string; mode: number }> = [];
  for (const [i, f] of files.entries()) {
    const { path, roots } = targets[i];
    const mode = parseMode(f.mode, 0o644);
    const { real, found } = await ensureFileBeneath(path, roots, f.content, mode);
    if (found === 'absent') created++;
    else if (found === 'different') changed++;
    if (f.owner || f.group) await chownBeneath(path, roots, f.owner, f.group);
    locators.push({ path: real, contentHash: sha256(f.content), mode });
  }
  const outcome = created + changed === 0 ? 'unchanged' : created === files.length ? 'created' : 'configured';
  return { outcome, message: `${files.length} file(s): ${created} created, ${changed} updated`, locator: { files: locators } };
};

const removeFiles: TaskHandlers['RemoveFiles'] = async (ctx, { paths, instance }) => {
  const targets = paths.map((p) => checkedPath(ctx, p, instance, [ctx.config.nginxConfDir, ctx.config.nginxCertDir]));
  checkAll(targets);
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
