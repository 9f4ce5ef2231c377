// Node side of RenderAndDeployNginx (seed 004 §13.4): write the site atomically, `nginx -t`, reload.
// A config nginx refuses never goes live: the previous file is put back (or the new one removed)
// and the error carries nginx's own message. Same content as on disk = nothing written, no reload.
import { rm } from 'node:fs/promises';
import { NginxCommandError, runCommand } from './command.js';
import { assertAllowed, readIfExists, sha256Hex, writeFileAtomic } from './atomic-file.js';

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
}

/** Writes, tests and reloads one site; throws NginxCommandError (with nginx's text) when refused. */
export async function deployNginxSite(payload: NginxSitePayload, opts: NginxDeployOptions): Promise<NginxDeployResult> {
  const path = assertAllowed(payload.targetPath, opts.allowedRoots);
  const hash = sha256Hex(payload.content);
  const previous = await readIfExists(path);
  if (previous && sha256Hex(previous) === hash) return { outcome: 'unchanged', hash };

  await writeFileAtomic(path, payload.content, 0o644);
  const test = await runCommand(payload.testCommand);
  if (test.code !== 0) {
    if (previous) await writeFileAtomic(path, previous, 0o644);
    else await rm(path, { force: true });
    throw new NginxCommandError(`nginx refused site ${payload.siteName}; previous config kept: ${nginxError(test.output)}`, test.output);
  }
  const reload = await runCommand(payload.reloadCommand);
  if (reload.code !== 0) {
    // The new file passed the test but did not go live; leaving it would make the next unrelated
    // reload activate it silently, so put the old one back and report.
    if (previous) await writeFileAtomic(path, previous, 0o644);
    else await rm(path, { force: true });
    throw new NginxCommandError(`nginx reload failed for site ${payload.siteName}: ${reload.output.trim()}`, reload.output);
  }
  return { outcome: 'configured', hash, message: previous ? 'site updated, nginx reloaded' : 'site created, nginx reloaded' };
}

/** Removes a site (prune) and reloads; absent file = unchanged. */
export async function removeNginxSite(
  payload: Pick<NginxSitePayload, 'siteName' | 'targetPath' | 'testCommand' | 'reloadCommand'>,
  opts: NginxDeployOptions,
): Promise<{ outcome: 'deleted' | 'unchanged' }> {
  const path = assertAllowed(payload.targetPath, opts.allowedRoots);
  const previous = await readIfExists(path);
  if (!previous) return { outcome: 'unchanged' };
  await rm(path, { force: true });
  const test = await runCommand(payload.testCommand);
  if (test.code !== 0) {
    await writeFileAtomic(path, previous, 0o644);
    throw new NginxCommandError(`nginx refused removal of site ${payload.siteName}: ${nginxError(test.output)}`, test.output);
  }
  const reload = await runCommand(payload.reloadCommand);
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
