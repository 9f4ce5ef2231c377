// The standard option kinds: text, paths, switches, numbers, durations, enums, lists, commands and
// maps. Every error names where the value came from (`--flag`, `$ENV`, `file:line:col: key`, or the
// key for a value set by code) and what was expected.
import { isAbsolute, resolve } from 'node:path';
import { UserError } from '../../model/errors.js';
import { parseDuration } from '../duration.js';
import type { FlagValue, JsonSchema, OptionKind } from './kind.js';

/** The one text of a flag value (the last occurrence if repeated). */
function one(raw: FlagValue): string {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'boolean') return String(raw);
  return raw.at(-1) ?? '';
}

/** Free text; with `pattern`, a value not matching it is refused (`invalid` says what was expected). */
export function text(opts: { arg: string; type?: string; pattern?: string; invalid?: string; allowEmpty?: boolean } = { arg: '<text>' }): OptionKind<string> {
  const re = opts.pattern ? new RegExp(opts.pattern) : undefined;
  const check = (value: string, where: string) => {
    if (re && !re.test(value)) throw new UserError(`${where}: ${opts.invalid ?? `must match ${opts.pattern}`}, got "${value}"`);
    return value;
  };
  return {
    type: opts.type ?? 'string',
    arg: opts.arg,
    schema: { type: 'string', ...(opts.allowEmpty ? {} : { minLength: 1 }), ...(opts.pattern ? { pattern: opts.pattern } : {}) },
    invalid: opts.invalid,
    fromFlag: (raw, where) => check(one(raw), where),
    fromFile: (raw, where) => check(String(raw), where),
    finish: check,
  };
}

/** A file system path, made absolute: a flag's against the working directory, a config file's against the file's directory. */
export function path(arg = '<path>'): OptionKind<string> {
  return {
    type: 'path',
    arg,
    schema: { type: 'string', minLength: 1 },
    fromFlag: (raw, _where, cwd) => resolve(cwd, one(raw)),
    fromFile: (raw, _where, base) => resolve(base, String(raw)),
    finish: (value, _where, cwd) => resolve(cwd, value),
  };
}

/**
 * A path, or a URL kept exactly as written (`urls` says what is a URL). Never path.resolve a URL:
 * `--repo https://…` is cloned, `--state postgresql://…` names a database.
 */
export function pathOrUrl(opts: { arg: string; type: string; urls: RegExp }): OptionKind<string> {
  const place = (value: string, dir: string) => (opts.urls.test(value) ? value : resolve(dir, value));
  return {
    type: opts.type,
    arg: opts.arg,
    schema: { type: 'string', minLength: 1 },
    fromFlag: (raw, _where, cwd) => place(one(raw), cwd),
    fromFile: (raw, _where, base) => place(String(raw), base),
    finish: (value, _where, cwd) => place(value, cwd),
  };
}

/** On or off. A flag without argument; an env var says true/false/1/0/yes/no. */
export function toggle(): OptionKind<boolean> {
  return {
    type: 'boolean',
    schema: { type: 'boolean' },
    fromFlag(raw, where) {
      if (typeof raw === 'boolean') return raw;
      const t = one(raw).toLowerCase();
      if (['true', '1', 'yes'].includes(t)) return true;
      if (['false', '0', 'no', ''].includes(t)) return false;
      throw new UserError(`${where}: expected true or false, got "${t}"`);
    },
    fromFile: (raw) => raw === true,
  };
}

/** A whole number within bounds. */
export function integer(opts: { arg: string; min: number; max?: number; type?: string }): OptionKind<number> {
  const bounds = opts.max === undefined ? `at least ${opts.min}` : `between ${opts.min} and ${opts.max}`;
  const check = (n: number, where: string) => {
    if (!Number.isSafeInteger(n) || n < opts.min || (opts.max !== undefined && n > opts.max))
      throw new UserError(`${where}: must be a whole number ${bounds}, got ${n}`);
    return n;
  };
  return {
    type: opts.type ?? 'integer',
    arg: opts.arg,
    schema: { type: 'integer', minimum: opts.min, ...(opts.max === undefined ? {} : { maximum: opts.max }) },
    fromFlag(raw, where) {
      const t = one(raw);
      if (!/^\d+$/.test(t)) throw new UserError(`${where}: expected a whole number, got "${t}"`);
      return check(Number(t), where);
    },
    fromFile: (raw, where) => check(Number(raw), where),
    finish: check,
  };
}

const DURATION_PATTERN = '^(\\d+|(\\d+(\\.\\d+)?(ms|s|m|h))+)$';

/** A duration as the --timeout flags take it (`90s`, `5m`, `1h30m`, bare seconds), held in milliseconds. */
export function duration(): OptionKind<number> {
  return {
    type: 'duration',
    arg: '<duration>',
    schema: { type: 'string', pattern: DURATION_PATTERN, description: 'e.g. 30s, 5m, 1h30m' },
    invalid: 'must be a duration such as 30s, 5m or 1h',
    fromFlag: (raw, where) => parseDuration(one(raw), where),
    fromFile: (raw, where) => parseDuration(String(raw), where),
    show: showDuration,
  };
}

/** 300000 → "5m", 1500 → "1500ms". */
export function showDuration(ms: number): string {
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const)
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/** One of a fixed set of words. */
export function oneOf<const V extends string>(values: readonly V[], arg = '<value>'): OptionKind<V> {
  const pick = (t: string, where: string): V => {
    const hit = values.find((v) => v === t);
    if (hit === undefined) throw new UserError(`${where}: must be one of ${values.join(', ')}, got "${t}"`);
    return hit;
  };
  return {
    type: values.join(' | '),
    arg,
    schema: { enum: values },
    fromFlag: (raw, where) => pick(one(raw), where),
    fromFile: (raw, where) => pick(String(raw), where),
    finish: pick,
  };
}

/** host:port; `check` is the parser the listener itself uses, so a value that passes it binds. */
export function hostPort(opts: { check(value: string, where: string): void; pattern?: string }): OptionKind<string> {
  const checked = (value: string, where: string) => (opts.check(value, where), value);
  return {
    type: 'host:port',
    arg: '<host:port>',
    schema: { type: 'string', ...(opts.pattern ? { pattern: opts.pattern } : {}) },
    invalid: 'must be host:port',
    fromFlag: (raw, where) => checked(one(raw), where),
    fromFile: (raw, where) => checked(String(raw), where),
    finish: checked,
  };
}

/**
 * A list. Flags give it as repeated flags or as one comma-separated value; a config file as a YAML
 * list (or, with `fileString`, one string: a single item or comma-separated items). `item` parses and
 * checks one entry; `dir` is where relative paths resolve.
 */
export function list<I extends string>(opts: {
  type: string;
  arg: string;
  items: JsonSchema;
  flag: 'repeated' | 'comma';
  fileString?: 'single' | 'comma';
  minItems?: number;
  invalid?: string;
  invalidItem?: string;
  item(text: string, where: string, dir: string): I;
}): OptionKind<I[]> {
  const split = (t: string) =>
    t
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const array: JsonSchema = { type: 'array', items: opts.items, ...(opts.minItems ? { minItems: opts.minItems } : {}) };
  return {
    type: opts.type,
    arg: opts.arg,
    repeatable: opts.flag === 'repeated',
    schema: opts.fileString ? { anyOf: [array, { type: 'string', minLength: 1 }] } : array,
    invalid: opts.invalid,
    invalidItem: opts.invalidItem,
    fromFlag(raw, where, cwd) {
      const texts = typeof raw === 'string' ? (opts.flag === 'comma' ? split(raw) : [raw]) : typeof raw === 'boolean' ? [] : [...raw];
      return texts.map((t) => opts.item(t, where, cwd));
    },
    fromFile(raw, where, base) {
      const texts = Array.isArray(raw) ? raw.map(String) : opts.fileString === 'comma' ? split(String(raw)) : [String(raw)];
      return texts.map((t) => opts.item(t, where, base));
    },
    finish: (value, where, cwd) => value.map((v) => opts.item(v, where, cwd)),
    show: (value) => (value.length ? value.join(', ') : 'none'),
  };
}

/** A command as an argv: one string split on spaces (no shell is involved), or a YAML list. */
export function command(): OptionKind<string[]> {
  const split = (t: string) => t.trim().split(/\s+/).filter(Boolean);
  const argv = { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 };
  return {
    type: 'command',
    arg: '<command>',
    schema: { anyOf: [argv, { type: 'string', minLength: 1 }] },
    invalid: 'must be a command: a string split on spaces, or a list of arguments',
    fromFlag: (raw) => split(one(raw)),
    fromFile: (raw) => (Array.isArray(raw) ? raw.map(String) : split(String(raw))),
    show: (value) => `"${value.join(' ')}"`,
  };
}

/** Names → file paths (config file only), e.g. a token file per node; paths resolve against the file's directory. */
export function fileMap(opts: { names: string; invalidName: string }): OptionKind<Record<string, string>> {
  return {
    type: 'map of name to path',
    invalidItem: opts.invalidName,
    schema: { type: 'object', additionalProperties: { type: 'string', minLength: 1 }, propertyNames: { pattern: opts.names } },
    fromFlag(_raw, where) {
      throw new UserError(`${where}: can only be set in the config file`);
    },
    fromFile: (raw, _where, base) =>
      Object.fromEntries(Object.entries(typeof raw === 'object' && raw !== null ? raw : {}).map(([k, v]) => [k, resolve(base, String(v))])),
    show: (value) => (Object.keys(value).length ? JSON.stringify(value) : 'none'),
  };
}

/** An absolute path (list items of allow-lists): relative ones are refused, not resolved. */
export function absolutePath(text: string, where: string): string {
  if (!isAbsolute(text)) throw new UserError(`${where}: expected an absolute path, got "${text}"`);
  return text;
}
