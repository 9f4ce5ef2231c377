// An instance's environment as it is handed to a runner: literals as they are, `{valueFrom}` resolved.
// A value with a NUL byte cannot be passed to a process (the kernel's env is NUL-terminated) and
// Node's error would print the value, so it is refused here, naming only the variable.
import type { EnvMap } from '../model/manifest-types.generated.js';
import { SecretError } from './errors.js';
import type { SecretSource } from './source.js';

export type ResolveSecret = (source: SecretSource) => Promise<string>;

/** Resolved env; throws SecretError ("env NAME: secret value contains a NUL byte") before anything starts. */
export async function resolveEnv(env: EnvMap | undefined, resolve: ResolveSecret): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env ?? {})) {
    const resolved = typeof value === 'string' ? value : await resolve(value.valueFrom);
    if (resolved.includes('\0')) throw new SecretError(`env ${name}: ${typeof value === 'string' ? 'value' : 'secret value'} contains a NUL byte`);
    out[name] = resolved;
  }
  return out;
}

/** Only the literal values (health exec probes and other places that must not see secrets). */
export function literalEnv(env: EnvMap | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env ?? {})) if (typeof value === 'string') out[name] = value;
  return out;
}
