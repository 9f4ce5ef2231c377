// Downloads a process artifact (http(s) via undici, or file://) and verifies its sha256 before it is
// ever executed. The download goes to a temp file and is renamed into place only when it verifies,
// so a mismatch leaves no runnable file behind.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import type { Artifact } from '../model/manifest-types.generated.js';
import { UserError } from '../model/errors.js';
import { parseMode } from './files/atomic.js';
import { fileContentHash } from './files/observe.js';

/** Default place of an artifact: `<instanceDir>/artifact/<file name from the URL>`. */
export function artifactPath(artifact: Artifact, instanceDirectory: string): string {
  if (artifact.path) return artifact.path;
  const name = basename(new URL(artifact.url).pathname) || 'artifact';
  return join(instanceDirectory, 'artifact', name);
}

async function openSource(url: string, timeoutMs: number): Promise<Readable> {
  const u = new URL(url);
  if (u.protocol === 'file:') return createReadStream(fileURLToPath(u));
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UserError(`artifact URL ${url}: unsupported scheme ${u.protocol} (use http, https or file)`);
  // Imported here: undici is large, and only instances with an http(s) artifact need it (start-up, issue 12).
  // undici is CommonJS: Node's import() offers its named exports, the bundled CLI only `default`.
  const undici = await import('undici');
  const fetch = undici.fetch ?? undici.default.fetch;
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok || !res.body) throw new UserError(`artifact ${url}: HTTP ${res.status}`);
  return Readable.fromWeb(res.body as import('node:stream/web').ReadableStream);
}

/**
 * Makes the verified artifact present at its path: skips the download when the file there already
 * has the expected hash. Returns the path. A hash mismatch throws a UserError naming both hashes.
 */
export async function ensureArtifact(artifact: Artifact, instanceDirectory: string, timeoutMs = 300_000): Promise<string> {
  const dest = artifactPath(artifact, instanceDirectory);
  const want = artifact.sha256.toLowerCase();
  const mode = parseMode(artifact.mode, 0o755);
  if ((await fileContentHash(dest)) === want) {
    await chmod(dest, mode);
    return dest;
  }
  await mkdir(dirname(dest), { recursive: true });
  const tmp = join(dirname(dest), `.${basename(dest)}.${randomBytes(6).toString('hex')}.download`);
  const hash = createHash('sha256');
  const hasher = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  try {
    await pipeline(await openSource(artifact.url, timeoutMs), hasher, createWriteStream(tmp, { mode: 0o600 }));
    const got = hash.digest('hex');
    if (got !== want) throw new UserError(`artifact ${artifact.url}: sha256 mismatch (expected ${want}, got ${got}); not installed`);
    await chmod(tmp, mode);
    await rename(tmp, dest);
    return dest;
  } catch (err) {
    await rm(tmp, { force: true });
    if (err instanceof UserError) throw err;
    throw new UserError(`artifact ${artifact.url}: download failed: ${(err as Error).message}`);
  }
}
