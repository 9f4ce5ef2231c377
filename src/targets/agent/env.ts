// Resolves an instance's env at apply time: literals as they are, `{valueFrom}` through the target
// context (env var or file). The result goes straight to the runner and is never stored or logged.
import type { EnvMap } from '../../model/manifest-types.generated.js';
import type { TargetContext } from '../target.js';

export async function resolveEnv(env: EnvMap, resolveSecret: TargetContext['resolveSecret']): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env ?? {})) {
    out[name] = typeof value === 'string' ? value : await resolveSecret(value.valueFrom);
  }
  return out;
}

/** Only the literal values (for health exec probes and other places that must not see secrets). */
export function literalEnv(env: EnvMap): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env ?? {})) if (typeof value === 'string') out[name] = value;
  return out;
}
