// Resolves a secret source to its value where the value is used: `{env}` and `{file}` on the
// controller, `{age}` and `{sops}` from the revision's files with the controller's identities. Every
// value resolved is registered for redaction before it is returned (a kubeconfig by its credentials,
// kubeconfig-credentials.ts); nothing here logs or stores it.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { decryptAge } from './age-file.js';
import { SecretError } from './errors.js';
import type { AgeIdentity } from './identities.js';
import { registerSecret } from '../util/redact.js';
import { kubeconfigCredentials } from './kubeconfig-credentials.js';
import { decryptSopsValue } from './sops.js';
import { describeSource, type SecretSource } from './source.js';

/** What resolving needs from the world; Git-held sources fail clearly when it is missing. */
export interface SecretContext {
  /** Reads a file of the revision being applied (path relative to the manifests root). */
  readRepoFile?(path: string): Promise<Uint8Array>;
  /** The controller's age identities (loaded only when an encrypted value is needed). */
  identities?(): Promise<AgeIdentity[]>;
}

/** A secret file on the controller must be a regular file no larger than this. */
export const maxSecretFileBytes = 1024 * 1024;

/** The value of a source. Throws SecretError (deterministic: never retried) naming the source. */
export async function resolveSecret(source: SecretSource, ctx: SecretContext = {}): Promise<string> {
  const value = await resolveSourceValue(source, ctx);
  // A kubeconfig (`kubeconfigFrom`) is registered by its credentials: its other lines are common YAML.
  for (const secret of kubeconfigCredentials(value) ?? [value]) registerSecret(secret);
  return value;
}

/**
 * The value of a source without registering it for redaction: only for a source whose value is
 * public (a Certificate's `certFrom`, which nginx hands to every client). Masking a certificate
 * would mask it where it must be kept intact: in the state store that versions it.
 */
export async function resolveSourceValue(source: SecretSource, ctx: SecretContext): Promise<string> {
  if (source.env !== undefined) {
    const value = process.env[source.env];
    if (value === undefined) throw new SecretError(`secret from environment variable ${source.env} is not set`);
    return value;
  }
  if (source.file !== undefined) return readSecretFile(source.file);
  const label = describeSource(source);
  if (!ctx.readRepoFile || !ctx.identities) throw new SecretError(`${label}: encrypted values are resolved only while a revision is applied`);
  const path = source.age ?? source.sops!.file;
  let bytes: Uint8Array;
  try {
    bytes = await ctx.readRepoFile(path);
  } catch (err) {
    throw new SecretError(`${path}: cannot be read from the revision (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const identities = await ctx.identities();
  if (source.age !== undefined) return Buffer.from(await decryptAge(bytes, identities, path)).toString('utf8');
  return decryptSopsValue(bytes, source.sops!.key, identities, path);
}

/** A controller-side secret file: a regular file under the size limit (never /dev/zero or a FIFO). */
async function readSecretFile(file: string): Promise<string> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer (for a regular file the flag changes nothing).
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = await handle.stat();
    if (!st.isFile()) throw new SecretError(`secret file ${file} is not a regular file`);
    if (st.size > maxSecretFileBytes) throw new SecretError(`secret file ${file} is larger than ${maxSecretFileBytes} bytes`);
    // Read at most one byte past the limit, whatever stat said (a file growing meanwhile, /proc files
    // of size 0). The buffer starts at the stated size and grows only when the file does: a token
    // read on every daemon resync must not allocate (and zero) a whole MiB each time.
    const cap = maxSecretFileBytes + 1;
    let buf = Buffer.allocUnsafe(Math.min(cap, Math.max(st.size + 1, 4096)));
    let n = 0;
    for (;;) {
      const r = (await handle.read(buf, n, buf.length - n, null)).bytesRead;
      n += r;
      if (r === 0 || n >= cap) break;
      if (n === buf.length) {
        const grown = Buffer.allocUnsafe(Math.min(cap, buf.length * 2));
        buf.copy(grown, 0, 0, n);
        buf = grown;
      }
    }
    if (n > maxSecretFileBytes) throw new SecretError(`secret file ${file} is larger than ${maxSecretFileBytes} bytes`);
    return buf.toString('utf8', 0, n);
  } catch (err) {
    if (err instanceof SecretError) throw err;
    throw new SecretError(`secret file ${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  } finally {
    await handle?.close();
  }
}
