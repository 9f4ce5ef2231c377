// Turns the sources of settings into one typed object: flags (as commander hands them over), the
// environment, a config file (config-file.ts) and values set by code are each a layer keyed by
// field; `mergeOptions` lays them over the defaults, later layers winning, and normalises every value.
import { delimiter } from 'node:path';
import type { FlagValue } from './kind.js';
import { type Option, type OptionTable, type OptionValues, fieldOf, flagAttribute, flagOf, isNegatedSwitch } from './option.js';

/** Settings from one source: any subset of the fields. */
export type OptionLayer<T extends OptionTable> = Partial<OptionValues<T>>;

/** Flags as commander stores them (camelCase attribute → value); undefined or absent = not given. */
export type RawFlags = Readonly<Record<string, FlagValue | undefined>>;

/**
 * The flags given on the command line, parsed. A `--no-x` switch counts only when given (commander
 * reports its unset state as `true`); an empty repeated flag counts as not given.
 */
export function flagLayer<T extends OptionTable>(table: T, flags: RawFlags, cwd: string): OptionLayer<T> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(table)) {
    const flag = flagOf(key, spec);
    if (!flag) continue;
    const raw = flags[flagAttribute(flag)];
    if (raw === undefined || (isNegatedSwitch(spec) && raw !== false) || (Array.isArray(raw) && raw.length === 0)) continue;
    out[fieldOf(key, spec)] = spec.kind.fromFlag(raw, `--${flag}`, cwd);
  }
  return out as OptionLayer<T>;
}

/** Environment variable fallbacks; a repeatable option's variable lists several values separated by `:`. */
export function envLayer<T extends OptionTable>(table: T, env: NodeJS.ProcessEnv, cwd: string): OptionLayer<T> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(table)) {
    const raw = spec.env ? env[spec.env] : undefined;
    if (!spec.env || !raw) continue;
    out[fieldOf(key, spec)] = spec.kind.fromFlag(spec.kind.repeatable ? raw.split(delimiter).filter(Boolean) : raw, `$${spec.env}`, cwd);
  }
  return out as OptionLayer<T>;
}

/**
 * Lays `layers` over the defaults (later layers win; undefined means "not set") and normalises each
 * value (relative paths against `cwd`, bounds and formats checked, errors naming the key).
 */
export function mergeOptions<T extends OptionTable>(table: T, layers: ReadonlyArray<Readonly<Record<string, unknown>>>, cwd: string): OptionValues<T> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(table)) {
    const field = fieldOf(key, spec);
    let value: unknown;
    for (const layer of layers) if (layer[field] !== undefined) value = layer[field];
    if (value === undefined) value = defaultValue(spec, out, cwd);
    if (value === undefined) continue;
    out[field] = spec.kind.finish ? spec.kind.finish(value, key, cwd) : value;
  }
  // Built key by key from the table, so it has the table's shape; TypeScript cannot follow the loop.
  return out as OptionValues<T>;
}

/** An option's default: computed from the options before it, or a copy of the value (never shared between results). */
export function defaultValue(spec: Option<unknown>, earlier: Readonly<Record<string, unknown>>, cwd: string): unknown {
  const d = spec.default;
  return typeof d === 'function' ? d(earlier, cwd) : structuredClone(d);
}
