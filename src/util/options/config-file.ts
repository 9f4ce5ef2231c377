// Reads a config file (`boreas.yaml`, `agent.yaml`) against its option table: YAML with positions,
// validated with the table's JSON Schema, every problem reported as `file:line:col: key: message`
// (a UserError: exit code 2, nothing started), then converted to typed values (relative paths
// against the file's directory, so the file means the same from any working directory).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { UserError } from '../../model/errors.js';
import { didYouMean } from '../suggest.js';
import { type ConfigFileMeta, configSchema } from './json-schema.js';
import { type OptionTable, fieldOf } from './option.js';
import type { OptionLayer } from './resolve.js';

/** Reads and checks `file`; the settings it gives, keyed by field. */
export function readConfigFile<T extends OptionTable>(table: T, file: string, meta: ConfigFileMeta): OptionLayer<T> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read config file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseConfigFile(table, text, file, meta);
}

/** `readConfigFile` over text already read; `file` names it in messages and anchors relative paths. */
export function parseConfigFile<T extends OptionTable>(table: T, text: string, file: string, meta: ConfigFileMeta): OptionLayer<T> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (offset: number) => {
    const p = lines.linePos(offset);
    return `${file}:${p.line}:${p.col}`;
  };
  if (doc.errors.length) throw new UserError(doc.errors.map((e) => `${at(e.pos[0])}: ${e.message.split('\n')[0]}`).join('\n'));
  const data: unknown = doc.toJS() ?? {};
  const validate = new Ajv({ allErrors: true, strict: false }).compile(configSchema(table, meta));
  if (!validate(data) || !isRecord(data)) {
    const problems = schemaProblems(validate.errors ?? [], table, doc.contents);
    throw new UserError(problems.map(([offset, message]) => `${at(offset)}: ${message}`).join('\n'));
  }
  const base = dirname(resolve(file));
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  const where = (segs: string[]) => `${at(offsetOf(doc.contents, segs, 'value'))}: ${segs.join('.')}`;
  for (const [key, spec] of Object.entries(table)) {
    // Aliases first: the option's own key wins when a file has both.
    const sources = [...(spec.aliases ?? []).map((a) => ({ segs: a.path.split('.'), read: a })), { segs: [key], read: spec.kind }];
    for (const { segs, read } of sources) {
      const raw = valueAt(data, segs);
      if (raw === undefined || raw === null) continue;
      try {
        out[fieldOf(key, spec)] = read.fromFile(raw, where(segs), base);
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        problems.push(err.message);
      }
    }
  }
  if (problems.length) throw new UserError(problems.join('\n'));
  return out as OptionLayer<T>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function valueAt(data: Record<string, unknown>, segs: string[]): unknown {
  let v: unknown = data;
  for (const seg of segs) v = isRecord(v) ? v[seg] : undefined;
  return v;
}

/**
 * One message per problem, with the offset it points at. An `anyOf` (a value with two spellings, e.g.
 * a list or one string) is said once: by the errors inside the branch that matched the value's type
 * (a bad list item), else as a whole, in the kind's words.
 */
function schemaProblems(errors: ErrorObject[], table: OptionTable, root: unknown): Array<[number, string]> {
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const kept = errors.filter((e) => !anyOfPaths.has(e.instancePath) || e.keyword === 'anyOf');
  const final = kept.filter((e) => e.keyword !== 'anyOf' || !kept.some((o) => o.instancePath.startsWith(`${e.instancePath}/`)));
  const seen = new Set<string>();
  const out: Array<[number, string]> = [];
  for (const e of final) {
    if (e.keyword === 'propertyNames') continue; // said by the error about the name itself, below
    const segs = e.instancePath
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    // A bad key of a map (propertyName) and an unknown key point at the key, everything else at the value.
    const badKey = e.keyword === 'additionalProperties' ? String((e.params as { additionalProperty: string }).additionalProperty) : e.propertyName;
    const offset = badKey === undefined ? offsetOf(root, segs, 'value') : offsetOf(root, [...segs, badKey], 'key');
    const field = segs.join('.');
    const prefix = field ? `${field}: ` : '';
    const option = table[segs[0]];
    const kind = segs.length === 1 ? option?.kind : undefined;
    let message: string;
    if (e.keyword === 'additionalProperties')
      message = `${prefix}unknown key "${badKey}"${segs.length === 0 ? didYouMean(String(badKey), Object.keys(table)) : ''}`;
    else if (e.propertyName !== undefined) message = `${prefix}"${e.propertyName}": ${option?.kind.invalidItem ?? `key ${e.message}`}`;
    else if (kind && e.keyword !== 'enum' && (kind.invalid || e.keyword === 'anyOf')) message = `${prefix}${kind.invalid ?? `must be a ${kind.type}`}`;
    else if (segs.length === 2 && option?.kind.invalidItem && e.keyword !== 'enum') message = `${prefix}${option.kind.invalidItem}`;
    else if (e.keyword === 'enum')
      message = `${prefix}must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    else message = `${prefix}${e.message ?? e.keyword}`;
    if (seen.has(`${offset}\0${message}`)) continue;
    seen.add(`${offset}\0${message}`);
    out.push([offset, message]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/** Offset of the YAML node at `segs` (its key or its value), or of the closest existing ancestor. */
function offsetOf(root: unknown, segs: string[], point: 'key' | 'value'): number {
  let node = root as Node | null | undefined;
  let offset = node?.range?.[0] ?? 0;
  for (const [i, seg] of segs.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === seg);
      if (!pair) break;
      const last = i === segs.length - 1;
      offset = ((last && point === 'key' ? pair.key : pair.value) as Node | null)?.range?.[0] ?? offset;
      node = pair.value as Node;
    } else if (isSeq(node)) {
      node = node.items[Number(seg)] as Node;
      offset = node?.range?.[0] ?? offset;
    } else break;
  }
  return offset;
}
