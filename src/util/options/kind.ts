// What an option's value is, in one place: how it is written in a config file (a JSON Schema
// fragment), how a flag or an environment variable spells it, how it is normalised and checked, and
// how help and docs show it. Option tables (option.ts) pair a kind with a name and a default; the
// standard kinds are in kinds.ts.

/** A JSON Schema fragment, as plain data. */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** What a flag hands over: its argument, every argument of a repeatable flag, or a switch's state. */
export type FlagValue = string | readonly string[] | boolean;

/**
 * One kind of value. Methods (not function properties) on purpose: their parameters are bivariant,
 * so a table can hold options of different value types as `OptionKind<unknown>` without casts.
 */
export interface OptionKind<T> {
  /** How the value is written, for help and docs: "duration", "path", "list of path", ... */
  readonly type: string;
  /** The flag's argument placeholder, e.g. `<file>`; absent for a switch (a flag without argument). */
  readonly arg?: string;
  /** The flag may be given several times (or the env var lists several, `:`-separated); each adds an item. */
  readonly repeatable?: boolean;
  /** The JSON Schema of the value in a config file. */
  readonly schema: JsonSchema;
  /** Wording for a config value the schema rejects as a whole (instead of the validator's). */
  readonly invalid?: string;
  /** Wording for a list item or map entry the schema rejects. */
  readonly invalidItem?: string;
  /** A flag's or env var's value → the value; `where` names the flag in errors; paths resolve against `cwd`. */
  fromFlag(raw: FlagValue, where: string, cwd: string): T;
  /** A config-file value that passed `schema` → the value; relative paths resolve against `base`, the file's directory. */
  fromFile(raw: unknown, where: string, base: string): T;
  /** Normalises and checks a value however it was given (flag, file, default, or set by code). */
  finish?(value: T, where: string, cwd: string): T;
  /** The value as help and docs show it. */
  show?(value: T): string;
}
