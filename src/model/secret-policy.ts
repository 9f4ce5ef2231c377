// What counts as secret, decided once for every consumer (plan field diffs, rendered Kubernetes YAML,
// reports, the state file, the Kubernetes target): a core Secret's `data`/`stringData`, env values
// whose name says they are secret, Boreas secret references (source.ts), and the keyed digests of
// Git-held values. How they are masked is mask.ts.

/** What a hidden value renders as. */
export const SENSITIVE = '(sensitive)';

/** Env names whose literal values are hidden anyway (a password committed by mistake must not spread). */
const secretName = /(PASSWORD|SECRET|TOKEN|KEY|CREDENTIAL)/i;

/** True for an environment variable name whose value is treated as a secret. */
export function isSecretName(name: string): boolean {
  return secretName.test(name);
}

/** True for a core Kubernetes Secret object (apiVersion v1, or none yet as written in a raw manifest). */
export function isKubeSecret(obj: unknown): boolean {
  const o = obj as { apiVersion?: unknown; kind?: unknown } | null | undefined;
  return !!o && typeof o === 'object' && o.kind === 'Secret' && (o.apiVersion === 'v1' || o.apiVersion === undefined);
}

/** True for a resource (desired, applied or a plan change) that is a Kubernetes Secret. */
export function isKubeSecretResource(r: { kind: string; id?: string; spec?: unknown }): boolean {
  if (r.kind !== 'KubeObject') return false;
  return r.spec !== undefined && r.spec !== null ? isKubeSecret(r.spec) : /\/v1\/Secret\//.test(r.id ?? '');
}

/** The spec field holding keyed digests of Git-held secret values (per env name): a change restarts, never shows. */
export const SECRET_DIGESTS_FIELD = 'secretDigests';
