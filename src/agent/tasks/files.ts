// ApplyConfigFiles / RemoveFiles (seed 004 §13.4). Every path is checked against the allowed roots
// before anything is written, so a refused path leaves the node untouched (no partial apply).
import { chown, rm, stat } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import type { Json } from '../../model/resource.js';
import { assertAllowedPath, fileContentHash, parseMode, removeEmptyParents, writeFileAtomic } from '../../runtime/files/index.js';
import { sha256 } from '../../util/hash.js';
import { isAbsolute } from 'node:path';
import { UserError } from '../../model/errors.js';
import { instanceDir, instancesRoot, resolveInstanceFilePath } from '../../runtime/paths.js';
import type { AgentContext } from '../context.js';
import type { TaskHandler } from './handle.js';

interface FileItem {
  /** Absolute, or relative to the instance dir of `instance` (as the local target resolves it). */
  path: string;
  instance?: string;
  content: string;
  mode?: string;
  owner?: string;
  group?: string;
}

/**
 * The real path of a file task: relative paths live in the instance dir (always allowed, it is the
 * agent's own); absolute ones must lie under an allowed root. Removal may also reach the nginx conf
 * and cert dirs, where sites and certificates are deployed (writes there go through DeployCertificate and nginx -t).
 */
function checkedPath(ctx: AgentContext, path: string, instance: string | undefined, extraRoots: string[] = []): string {
  if (!isAbsolute(path)) {
    if (!instance) throw new UserError(`path must be absolute: ${path}`);
    return assertAllowedPath(resolveInstanceFilePath(ctx.config.workDir, instance, path), [instancesRoot(ctx.config.workDir)]);
  }
  return assertAllowedPath(path, [...ctx.config.allowedRoots, ...extraRoots]);
}

const applyConfigFiles: TaskHandler = async (ctx, payload) => {
  const files = payload.files as unknown as FileItem[];
  const real = files.map((f) => checkedPath(ctx, f.path, f.instance));
  let created = 0;
  let changed = 0;
  const locators: Json[] = [];
  for (const [i, f] of files.entries()) {
    const path = real[i];
    const mode = parseMode(f.mode, 0o644);
    const want = sha256(f.content);
    const have = await fileContentHash(path);
    const haveMode = have === undefined ? undefined : (await stat(path)).mode & 0o7777;
    if (have !== want || haveMode !== mode) {
      await writeFileAtomic(path, f.content, mode);
      if (have === undefined) created++;
      else changed++;
    }
    if (f.owner || f.group) await setOwner(path, f.owner, f.group);
    locators.push({ path, contentHash: want, mode });
  }
  const outcome = created + changed === 0 ? 'unchanged' : created === files.length ? 'created' : 'configured';
  return { outcome, message: `${files.length} file(s): ${created} created, ${changed} updated`, locator: { files: locators } };
};

const removeFiles: TaskHandler = async (ctx, payload) => {
  const paths = (payload.paths as string[]).map((p) =>
    checkedPath(ctx, p, payload.instance as string | undefined, [ctx.config.nginxConfDir, ctx.config.nginxCertDir]),
  );
  let removed = 0;
  const instance = payload.instance as string | undefined;
  for (const [i, p] of paths.entries()) {
    if ((await fileContentHash(p)) === undefined) continue;
    await rm(p, { force: true });
    // An instance's relative files live in its directory: do not leave it behind empty.
    if (instance && !isAbsolute((payload.paths as string[])[i])) await removeEmptyParents(p, instanceDir(ctx.config.workDir, instance));
    removed++;
  }
  return { outcome: removed ? 'deleted' : 'unchanged', message: `${removed} file(s) removed`, removed: true };
};

/** Numeric ids are applied directly; names go through chown(1) as argv (Node has no getpwnam). */
async function setOwner(path: string, owner?: string, group?: string): Promise<void> {
  if ((!owner || /^\d+$/.test(owner)) && (!group || /^\d+$/.test(group))) {
    await chown(path, owner ? Number(owner) : -1, group ? Number(group) : -1);
    return;
  }
  const spec = `${owner ?? ''}${group ? ':' + group : ''}`;
  await new Promise<void>((resolve, reject) => {
    const child = spawn('chown', ['--', spec, path], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`chown ${spec} ${path}: ${err.trim()}`))));
  });
}

export const fileHandlers = { ApplyConfigFiles: applyConfigFiles, RemoveFiles: removeFiles };
