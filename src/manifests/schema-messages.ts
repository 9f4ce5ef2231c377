// Turns ajv errors into messages a person can act on: which field, what was expected, what was
// found, and the nearest valid name for a typo. anyOf noise is folded into one line per field.
import type { ErrorObject } from 'ajv';
import { didYouMean } from '../util/suggest.js';
import { pointerToPath } from './positions.js';

export interface SchemaProblem {
  /** Path of the offending field (for a missing field: the field that is missing). */
  path: (string | number)[];
  /** Path of the node to point at (a missing field points at its parent). */
  at: (string | number)[];
  message: string;
}

const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';

/** Human problems for all errors of one document, in document order, duplicates removed. */
export function describeSchemaErrors(kind: string, errors: ErrorObject[]): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const e of foldAnyOf(errors)) {
    const p = describe(kind, e.error, e.alternatives);
    const key = p.path.join('/') + '\0' + p.message;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  }
  return out;
}

interface Folded {
  error: ErrorObject;
  /** Branch errors of an anyOf that all failed at the field itself. */
  alternatives?: ErrorObject[];
}

/**
 * ajv reports each failed anyOf branch before the anyOf error itself. When some branch failed deeper
 * inside the value (the value had the right shape but a wrong field), those deeper errors are the
 * useful ones; otherwise one "must be A or B" line replaces them all.
 */
function foldAnyOf(errors: ErrorObject[]): Folded[] {
  const out: Folded[] = [];
  for (const error of errors) {
    if (error.keyword !== 'anyOf' && error.keyword !== 'oneOf') {
      out.push({ error });
      continue;
    }
    const at = error.instancePath;
    const branch: Folded[] = [];
    while (out.length && isUnder(out[out.length - 1].error.instancePath, at)) branch.unshift(out.pop()!);
    const deeper = branch.filter((b) => b.error.instancePath !== at);
    if (deeper.length) out.push(...deeper);
    else out.push({ error, alternatives: branch.map((b) => b.error) });
  }
  return out;
}

function isUnder(path: string, parent: string): boolean {
  return path === parent || path.startsWith(parent + '/');
}

function describe(kind: string, e: ErrorObject, alternatives?: ErrorObject[]): SchemaProblem {
  const path = pointerToPath(e.instancePath);
  const got = ` (got ${show(e.data)})`;
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      const at = [...path, field];
      if (kind === 'Node' && e.instancePath === '/spec' && field === 'token') {
        return { path: at, at, message: 'an inline token is not allowed: secrets never live in Git; use tokenFrom: {env: NAME} or tokenFrom: {file: PATH}' };
      }
      const known = Object.keys((e.parentSchema?.properties as object | undefined) ?? {});
      const hint = didYouMean(field, known) || (known.length && known.length <= 12 ? ` (allowed: ${known.join(', ')})` : '');
      return { path: at, at, message: `unknown field "${field}"${hint}` };
    }
    case 'required': {
      const field = String(params.missingProperty);
      return { path: [...path, field], at: path, message: `required field "${field}" is missing` };
    }
    case 'type':
      return { path, at: path, message: `must be ${article(String(params.type))}${got}` };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const hint = typeof e.data === 'string' ? didYouMean(e.data, allowed) : '';
      return { path, at: path, message: `must be one of ${allowed.join(', ')}${got}${hint}` };
    }
    case 'const':
      return { path, at: path, message: `must be ${JSON.stringify(params.allowedValue)}${got}` };
    case 'pattern':
      return params.pattern === DNS_LABEL
        ? { path, at: path, message: `must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit${got}` }
        : { path, at: path, message: `must match ${params.pattern}${got}` };
    case 'minProperties':
    case 'maxProperties': {
      const names = Object.keys((e.parentSchema?.properties as object | undefined) ?? {});
      const exactlyOne = e.parentSchema?.minProperties === 1 && e.parentSchema?.maxProperties === 1;
      if (exactlyOne && names.length) return { path, at: path, message: `must set exactly one of: ${names.join(', ')}` };
      if (e.keyword === 'maxProperties' && e.data && typeof e.data === 'object')
        return { path, at: path, message: `must have at most ${params.limit} entries (got ${Object.keys(e.data).length})` };
      return { path, at: path, message: `${e.message}` };
    }
    // Limits that bound the work a manifest can cause: say the limit and how far over it the value is.
    case 'maxItems':
      return { path, at: path, message: `must have at most ${params.limit} items (got ${Array.isArray(e.data) ? e.data.length : '?'})` };
    case 'maxLength':
      return { path, at: path, message: `must be at most ${params.limit} characters long (got ${typeof e.data === 'string' ? e.data.length : '?'})` };
    case 'anyOf':
    case 'oneOf': {
      const options = [...new Set((alternatives ?? []).map(alternative))];
      return { path, at: path, message: options.length ? `must be ${options.join(' or ')}${got}` : `${e.message}${got}` };
    }
    default:
      return { path, at: path, message: isScalar(e.data) ? `${e.message}${got}` : `${e.message}` };
  }
}

function alternative(e: ErrorObject): string {
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'type') return article(String(params.type));
  if (e.keyword === 'required') return `a mapping with "${params.missingProperty}"`;
  return e.message ?? e.keyword;
}

function article(type: string): string {
  if (type === 'object') return 'a mapping';
  if (type === 'array') return 'a list';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function isScalar(v: unknown): boolean {
  return v === null || typeof v !== 'object';
}

/** A short rendering of a value for "got ..." parts. */
export function show(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v !== null && typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 37) + '...' : v);
  return String(v);
}
