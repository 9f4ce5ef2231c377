// Node side of RenderAndDeployNginx (docs/design.md, Agent protocol): write the site atomically, `nginx -t`, reload.
// A config nginx refuses never goes live: the previous file is put back (or the new one removed)
// and the error carries nginx's own message. Same content as on disk = nothing written, no reload.
import { NginxCommandError, runCommand } from './command.js';
import { reloadNginx } from './reload.js';
import { assertAllowed, readFileBeneath, readIfExists, removeFileBeneath, sha256Hex, writeFileBeneath } from './atomic-file.js';

/** The RenderAndDeployNginx task payload. */
export interface NginxSitePayload {
  siteName: string;
  targetPath: string;
  content: string;
  /** argv, e.g. ['nginx', '-t']. */
  testCommand: string[];
  /** argv, e.g. ['nginx', '-s', 'reload']. */
  reloadCommand: string[];
}

export interface NginxDeployResult {
  outcome: 'configured' | 'unchanged';
  /** sha256 of the content now on disk. */
  hash: string;
  message?: string;
}

export interface NginxDeployOptions {
  /** Directories the site file may be written under (the agent's nginx conf dir). */
  allowedRoots: string[];
  /** The ports this nginx listens on: a reload returns once its old workers stopped accepting there (reload.ts). */
  listenPorts?: number[];
}

/** Writes, tests and reloads one site; throws NginxCommandError (with nginx's text) when refused. */
export async function deployNginxSite(payload: NginxSitePayload, opts: NginxDeployOptions): Promise<NginxDeployResult> {
  const roots = opts.allowedRoots;
  const path = assertAllowed(payload.targetPath, roots);
  const hash = sha256Hex(payload.content);
  const previous = readFileBeneath(path, roots)?.content;
  if (previous && sha256Hex(previous) === hash) return { outcome: 'unchanged', hash };

  await writeFileBeneath(path, roots, payload.content, 0o644);
  const test = await runCommand(payload.testCommand);
  if (test.code !== 0) {
    if (previous) await writeFileBeneath(path, roots, previous, 0o644);
    else removeFileBeneath(path, roots);
    throw new NginxCommandError(`nginx refused site ${payload.siteName}; previous config kept: ${nginxError(test.output)}`, test.output);
  }
  const reload = await reloadNginx(payload.reloadCommand, opts.listenPorts ?? []);
  if (reload.code !== 0) {
    // The new file passed the test but did not go live; leaving it would make the next unrelated
    // reload activate it silently, so put the old one back and report.
    if (previous) await writeFileBeneath(path, roots, previous, 0o644);
    else removeFileBeneath(path, roots);
    throw new NginxCommandError(`nginx reload failed for site ${payload.siteName}: ${reload.output.trim()}`, reload.output);
  }
  return { outcome: 'configured', hash, message: previous ? 'site updated, nginx reloaded' : 'site created, nginx reloaded' };
}

/** Removes a site (prune) and reloads; absent file = unchanged. */
export async function removeNginxSite(
  payload: Pick<NginxSitePayload, 'siteName' | 'targetPath' | 'testCommand' | 'reloadCommand'>,
  opts: NginxDeployOptions,
): Promise<{ outcome: 'deleted' | 'unchanged' }> {
  const roots = opts.allowedRoots;
  const path = assertAllowed(payload.targetPath, roots);
  const previous = readFileBeneath(path, roots)?.content;
  if (!previous) return { outcome: 'unchanged' };
  removeFileBeneath(path, roots);
  const test = await runCommand(payload.testCommand);
  if (test.code !== 0) {
    await writeFileBeneath(path, roots, previous, 0o644);
    throw new NginxCommandError(`nginx refused removal of site ${payload.siteName}: ${nginxError(test.output)}`, test.output);
  }
  const reload = await reloadNginx(payload.reloadCommand, opts.listenPorts ?? []);
  if (reload.code !== 0) throw new NginxCommandError(`nginx reload failed: ${reload.output.trim()}`, reload.output);
  return { outcome: 'deleted' };
}

/** Observes the site file: the hash of what is on disk (undefined = absent) for drift detection. */
export async function observeNginxSite(targetPath: string): Promise<{ exists: boolean; hash?: string }> {
  const content = await readIfExists(targetPath);
  return content ? { exists: true, hash: sha256Hex(content) } : { exists: false };
}

/** The `[emerg]`/`[error]` lines of nginx output, or all of it when there are none. */
function nginxError(output: string): string {
  const lines = output.split('\n').filter((l) => /\[(emerg|alert|crit|error)\]/.test(l));
  return (lines.length ? lines.join('\n') : output).trim();
}
