// An option table is the single source of a command's settings: from it come the command-line flags,
// the config-file keys (and their older aliases), the config file's JSON Schema, the environment
// variable fallbacks, the docs, and the TypeScript type of the merged settings (`OptionValues`), so
// an option is written once. Precedence everywhere: flag > config file > environment > default.
import type { JsonSchema, OptionKind } from './kind.js';

/** Another config-file key that sets an option, so files written for an older format keep working. */
export interface FileAlias<T> {
  /** Dotted path in the file, e.g. `agent.work_dir`. */
  readonly path: string;
  /** How docs name it, when the path is a section (`server.host`, `server.port`). */
  readonly shown?: string;
  readonly schema: JsonSchema;
  fromFile(raw: unknown, where: string, base: string): T;
}

/** A default value, or a function of the options resolved before this one (in table order) and the working directory. */
export type OptionDefault<T> = T | ((earlier: Readonly<Record<string, unknown>>, cwd: string) => T);

export interface OptionSpec<T> {
  readonly kind: OptionKind<T>;
  /** One line for help, docs and the schema. */
  readonly description: string;
  /** Long flag name without `--`; default: the key in kebab-case. `false`: config file only. */
  readonly flag?: string | false;
  /** The flag's argument placeholder, when the kind's is not specific enough. */
  readonly arg?: string;
  readonly default?: OptionDefault<T>;
  /** The default as help and docs say it, when the value alone would not (computed defaults). */
  readonly defaultText?: string;
  /** Environment variable used when neither a flag nor the config file gives a value. */
  readonly env?: string;
  readonly aliases?: readonly FileAlias<T>[];
}

/** An option as tables hold it: `F` is its property in the merged settings, `R` whether it always has a value. */
export interface Option<T, F extends string = string, R extends boolean = boolean> extends OptionSpec<T> {
  /** Property name in the merged settings; default: the key (e.g. key `interval` → field `intervalMs`). */
  readonly field?: F;
  /** True when it has a default, so the merged settings always carry it. */
  readonly required: R;
}

/** The kind alone decides `T`: defaults and aliases are checked against it, never widen it. */
type SpecInput<T> = Omit<OptionSpec<NoInfer<T>>, 'kind' | 'default'>;

/** Declares one option; the literal `field` and the presence of a default flow into `OptionValues`. */
export function option<T, const F extends string = never>(
  kind: OptionKind<T>,
  spec: SpecInput<T> & { field?: F; default: NoInfer<OptionDefault<T>> },
): Option<T, F, true>;
export function option<T, const F extends string = never>(kind: OptionKind<T>, spec: SpecInput<T> & { field?: F; default?: undefined }): Option<T, F, false>;
export function option<T>(kind: OptionKind<T>, spec: SpecInput<T> & { field?: string; default?: OptionDefault<T> }): Option<T> {
  return { ...spec, kind, required: spec.default !== undefined };
}

export type OptionTable = Readonly<Record<string, Option<unknown>>>;

type ValueOf<O> = O extends { readonly kind: OptionKind<infer T> } ? T : never;
/** The literal field name if the option declares one, else the key (never widened to `string`). */
type FieldOf<K, O> = O extends { readonly field?: infer F } ? ([F] extends [never] ? K : F extends string ? (string extends F ? K : F) : K) : K;
type Flatten<T> = { [K in keyof T]: T[K] } & {};

/** The merged settings of a table: one property per option, optional unless the option has a default. */
export type OptionValues<T extends OptionTable> = Flatten<
  { -readonly [K in keyof T & string as T[K] extends { required: true } ? FieldOf<K, T[K]> : never]: ValueOf<T[K]> } & {
    -readonly [K in keyof T & string as T[K] extends { required: true } ? never : FieldOf<K, T[K]>]?: ValueOf<T[K]>;
  }
>;

/** Property of the merged settings that holds option `key`. */
export function fieldOf(key: string, spec: Option<unknown>): string {
  return spec.field ?? key;
}

/** The long flag name (without `--`), or undefined for a config-file-only option. */
export function flagOf(key: string, spec: Option<unknown>): string | undefined {
  if (spec.flag === false) return undefined;
  return spec.flag ?? key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** A switch that is on unless turned off is offered as `--no-<flag>`. */
export function isNegatedSwitch(spec: Option<unknown>): boolean {
  return spec.kind.arg === undefined && spec.default === true;
}

/** The flag as typed, with its argument: `--interval <duration>`, `--watch`, `--no-prune`. */
export function flagSyntax(key: string, spec: Option<unknown>): string | undefined {
  const flag = flagOf(key, spec);
  if (!flag) return undefined;
  if (spec.kind.arg === undefined) return isNegatedSwitch(spec) ? `--no-${flag}` : `--${flag}`;
  return `--${flag} ${spec.arg ?? spec.kind.arg}`;
}

/** The property commander stores a flag's value under (its camelCase name, `--no-x` → `x`). */
export function flagAttribute(flag: string): string {
  return flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The default as help and docs show it, or undefined when there is none. */
export function defaultText(spec: Option<unknown>): string | undefined {
  if (spec.defaultText !== undefined) return spec.defaultText;
  const d = spec.default;
  if (d === undefined || typeof d === 'function') return undefined;
  if (spec.kind.show) return spec.kind.show(d);
  return Array.isArray(d) ? (d.length ? d.join(', ') : 'none') : String(d);
}
