// Request validation for the agent's routes: the shared protocol schemas compiled once with ajv;
// a body that does not match is a 400 naming the first offending field(s).
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { HttpError } from '../../util/http-body.js';

const ajv = new Ajv({ allErrors: true });
const compiled = new Map<object, ValidateFunction>();

/** Validates `value` against `schema`; throws a 400 naming the first offending field(s). */
export function check<T>(schema: object, value: unknown, where = 'body'): T {
  let v = compiled.get(schema);
  if (!v) compiled.set(schema, (v = ajv.compile(schema)));
  if (!v(value)) throw new HttpError(400, describe(v.errors ?? [], where));
  return value as T;
}

function describe(errors: ErrorObject[], where: string): string {
  const msgs = errors.slice(0, 5).map((e) => {
    const at = where + e.instancePath.replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.');
    if (e.keyword === 'additionalProperties') return `${at}: unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"`;
    if (e.keyword === 'required') return `${at}: missing field "${(e.params as { missingProperty: string }).missingProperty}"`;
    if (e.keyword === 'enum')
      return `${at}: must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((x) => JSON.stringify(x)).join(', ')}`;
    return `${at}: ${e.message}`;
  });
  return [...new Set(msgs)].join('; ');
}
