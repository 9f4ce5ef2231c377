// The preflight of a revision's secrets: before the first side effect of a reconcile (or a `plan`
// against the live targets), every secret value the revision uses is resolved once: encrypted ones
// (age/SOPS) are decrypted, controller-side ones (`{env}`, `{file}`) are read. A missing identity, a
// wrong key, a tampered file, an unset variable or an unreadable file fails the whole revision up front,
// naming the source and where it is used, with nothing applied (never a config file written for an
// instance that then cannot start). The values stay in this process's memory for the run; desired specs
// get only keyed digests of encrypted ones (secretDigest), and targets get the values at apply time.
import { createHash } from 'node:crypto';
import type { ManifestSet } from '../manifests/model.js';
import type { Source } from '../source/source.js';
import { stateSecret } from '../store/state-key.js';
import { secretDigest } from './digest.js';
import { SecretError } from './errors.js';
import { resolvedExecProblems } from './exec-preflight.js';
import { loadIdentities, type AgeIdentity } from './identities.js';
import { registerSecret } from '../util/redact.js';
import { resolveSecret, resolveSourceValue, type SecretContext } from './resolve.js';
import { describeSource, isRepoSource, isSecretSource, repoFileOf, sourceKey, type SecretSource } from './source.js';

/** Keys under which Boreas manifests hold a secret source. */
const sourceFields = new Set(['valueFrom', 'tokenFrom', 'certFrom', 'keyFrom', 'kubeconfigFrom']);

/** One use of an encrypted value: the source and where the revision uses it (for messages). */
export interface RepoSecretUse {
  source: SecretSource;
  /** `Application/api spec.env.DB_PASSWORD`. */
  where: string;
  /** The value is public (a Certificate's `certFrom`): read like a secret, never masked. */
  public?: boolean;
}

/** Source fields whose value is not secret (a certificate is sent to every TLS client). */
const publicSourceFields = new Set(['certFrom']);

/** Every age/SOPS source a revision uses, in manifest order (raw Kubernetes objects included). */
export function repoSecretUses(manifests: ManifestSet): RepoSecretUse[] {
  return secretUses(manifests).filter((u) => isRepoSource(u.source));
}

/**
 * Every secret source a revision uses, in manifest order (raw Kubernetes objects included). The
 * environment of a Stopped application is never resolved (nothing starts with it), so its
 * controller-side sources are left out; its encrypted ones are still checked, as the files are in Git.
 */
export function secretUses(manifests: ManifestSet): RepoSecretUse[] {
  const out: RepoSecretUse[] = [];
  const groups = [manifests.environments, manifests.nodes, manifests.applications, manifests.releases, manifests.ingresses, manifests.certificates];
  for (const group of groups)
    for (const { manifest } of group.values()) {
      const unused = manifest.kind === 'Application' && manifest.spec.state === 'Stopped';
      walk(manifest, [], (s, path, field) => {
        if (!unused || isRepoSource(s))
          out.push({ source: s, where: `${manifest.kind}/${manifest.metadata.name} ${path}`, ...(publicSourceFields.has(field) ? { public: true } : {}) });
      });
    }
  for (const list of manifests.kubeObjects.values())
    for (const { object } of list) walk(object, [], (s, path) => out.push({ source: s, where: `${object.kind}/${object.metadata.name} ${path}` }));
  return out;
}

function walk(value: unknown, path: string[], visit: (s: SecretSource, path: string, field: string) => void): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) return value.forEach((v, i) => walk(v, [...path, String(i)], visit));
  for (const [k, v] of Object.entries(value)) {
    if (sourceFields.has(k) && isSecretSource(v)) visit(v, [...path, k].join('.'), k);
    else walk(v, [...path, k], visit);
  }
}

/** What a run uses to turn references into values and digests. */
export interface RevisionSecrets {
  /** The value of any source: the one the preflight resolved (a source it did not see, e.g. of a
   *  pinned earlier revision, is resolved now). */
  resolve(source: SecretSource): Promise<string>;
  /** A digest standing for an encrypted value in desired specs; undefined for env/file sources. */
  digest(source: SecretSource): string | undefined;
  /**
   * A keyed fingerprint of every value the revision uses ('' when it uses none): equal fingerprints
   * mean equal digests, so a desired graph built with them can be reused (engine/revision-memo.ts).
   */
  fingerprint(): string;
}

/** The context resolving a revision's encrypted values: its files, and the identities in `identityFiles`. */
export function revisionSecretContext(source: Pick<Source, 'readFile'>, identityFiles: readonly string[]): SecretContext {
  let ids: Promise<AgeIdentity[]> | undefined;
  return { readRepoFile: (path) => source.readFile(path), identities: () => (ids ??= loadIdentities(identityFiles)) };
}

/**
 * Resolves every secret value of the revision and checks what goes to exec() with the values filled
 * in. Throws one SecretError listing every source that cannot be resolved and every value that cannot
 * be used (exit 1, deterministic: never retried); `digestKey` is the controller's state key (HMAC,
 * never a plain hash).
 */
export async function preflightSecrets(manifests: ManifestSet, ctx: SecretContext, digestKey: () => string): Promise<RevisionSecrets> {
  const values = new Map<string, string>();
  const failures = new Map<string, { error: SecretError; where: string[] }>();
  const fail = (error: SecretError, where: string) => {
    const f = failures.get(error.message) ?? failures.set(error.message, { error, where: [] }).get(error.message)!;
    f.where.push(where);
  };
  for (const use of secretUses(manifests)) {
    const key = sourceKey(use.source);
    try {
      // Registered for redaction unless every use so far is public; a later secret use registers it.
      const value = values.get(key) ?? (await resolveSourceValue(use.source, ctx));
      values.set(key, value);
      if (!use.public) registerSecret(value);
    } catch (err) {
      if (!(err instanceof SecretError)) throw err;
      fail(err, use.where);
    }
  }
  for (const p of resolvedExecProblems(manifests, (s) => values.get(sourceKey(s)))) fail(new SecretError(p.message), p.where);
  if (failures.size) throw preflightError([...failures.values()]);
  let hmacKey: string | undefined;
  let fingerprint: string | undefined;
  return {
    fingerprint: () =>
      (fingerprint ??=
        values.size === 0 ? '' : secretDigest((hmacKey ??= digestKey()), JSON.stringify([...values].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))))),
    resolve: (source) => {
      const v = values.get(sourceKey(source));
      return v !== undefined ? Promise.resolve(v) : resolveSecret(source, ctx);
    },
    digest: (source) => {
      const v = isRepoSource(source) ? values.get(sourceKey(source)) : undefined;
      return v === undefined ? undefined : secretDigest((hmacKey ??= digestKey()), v);
    },
  };
}

function preflightError(failures: { error: SecretError; where: string[] }[]): SecretError {
  const usedBy = (f: { where: string[] }) => `used by ${f.where.slice(0, 3).join(', ')}${f.where.length > 3 ? ` and ${f.where.length - 3} more` : ''}`;
  if (failures.length === 1) {
    const [f] = failures;
    return new SecretError(f.error.message, [f.error.hint, `${usedBy(f)}; nothing was applied`].filter(Boolean).join('\n'));
  }
  const lines = failures.map((f) => `  ${f.error.message} (${usedBy(f)})`);
  return new SecretError(
    `${failures.length} secret values cannot be resolved or used; nothing was applied:\n${lines.join('\n')}`,
    failures.find((f) => f.error.hint)?.error.hint,
  );
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Digests for comparing two revisions without decrypting anything (`plan --base`, PR comments): a
 * hash of the ciphertext, so a re-encrypted file shows as a changed secret. Never used for state.
 */
export async function ciphertextDigests(manifests: ManifestSet, readRepoFile: (path: string) => Promise<Uint8Array>): Promise<RevisionSecrets> {
  const hashes = new Map<string, string>();
  for (const { source } of repoSecretUses(manifests)) {
    const file = repoFileOf(source)!;
    if (hashes.has(file)) continue;
    const bytes = await readRepoFile(file).catch(() => undefined);
    if (bytes) hashes.set(file, createHash('sha256').update(bytes).digest('hex'));
  }
  return {
    resolve: (source) => Promise.reject(new SecretError(`${describeSource(source)}: not decrypted when comparing revisions`)),
    digest: (source) => {
      const h = isRepoSource(source) ? hashes.get(repoFileOf(source)!) : undefined;
      return h && `ciphertext-sha256:${source.sops ? `${h}#${source.sops.key}` : h}`;
    },
    fingerprint: () => sha256Hex(JSON.stringify([...hashes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))),
  };
}

/**
 * The preflight of one revision as a run needs it: its files, the identity files in force, and the
 * state key beside the state file as the digest key.
 */
export function openRevisionSecrets(
  manifests: ManifestSet,
  source: Pick<Source, 'readFile'>,
  opts: { identityFiles: readonly string[]; stateDir: string },
): Promise<RevisionSecrets> {
  return preflightSecrets(manifests, revisionSecretContext(source, opts.identityFiles), () => stateSecret(opts.stateDir));
}
