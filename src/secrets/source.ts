// What a secret reference is: `{env}`, `{file}` (on the controller), `{age}`, `{sops}` (encrypted in the
// repository). One place names them in messages and reports, so no other module inspects their keys.
import type { SecretSource } from '../model/manifest-types.generated.js';

export type { SecretSource, SopsSource } from '../model/manifest-types.generated.js';

/** The Boreas wrapper `{valueFrom: <source>}` that stands in for a value in Git. */
export interface SecretRef {
  valueFrom: SecretSource;
}

const sourceKeys = ['env', 'file', 'age', 'sops'] as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True for a Boreas secret source (Kubernetes' own `valueFrom` has other keys: secretKeyRef, fieldRef). */
export function isSecretSource(v: unknown): v is SecretSource {
  return isObject(v) && Object.keys(v).length === 1 && sourceKeys.some((k) => k in v);
}

/** True for `{valueFrom: <Boreas secret source>}` (possibly with a `name` beside it, as in Kubernetes env). */
export function isSecretRef(v: unknown): v is SecretRef {
  return isObject(v) && isSecretSource(v.valueFrom);
}

/** True when the value lives encrypted in the repository (age or SOPS) rather than on the controller. */
export function isRepoSource(s: SecretSource): boolean {
  return s.age !== undefined || s.sops !== undefined;
}

/** The repository file an encrypted source reads, if any. */
export function repoFileOf(s: SecretSource): string | undefined {
  return s.age ?? s.sops?.file;
}

/** `env NAME`, `file PATH`, `secrets/db.age`, `secrets/app.sops.yaml#db.password`: names a source in messages. */
export function describeSource(s: SecretSource): string {
  if (s.env !== undefined) return `env ${s.env}`;
  if (s.file !== undefined) return `file ${s.file}`;
  if (s.age !== undefined) return s.age;
  if (s.sops !== undefined) return `${s.sops.file}#${s.sops.key}`;
  return 'a secret reference';
}

/** What reports show instead of a value: `(from env NAME)`, `(from file PATH)`, `<encrypted: secrets/db.age>`. */
export function placeholderOf(s: SecretSource): string {
  if (s.env !== undefined) return `(from env ${s.env})`;
  if (s.file !== undefined) return `(from file ${s.file})`;
  if (isRepoSource(s)) return `<encrypted: ${describeSource(s)}>`;
  return '(from a secret reference)';
}

/** A stable key for maps of sources (same source, same key). */
export function sourceKey(s: SecretSource): string {
  if (s.sops !== undefined) return JSON.stringify(['sops', s.sops.file, s.sops.key]);
  const k = sourceKeys.find((key) => key in s) ?? 'env';
  return JSON.stringify([k, (s as Record<string, unknown>)[k]]);
}
