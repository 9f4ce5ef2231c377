// The schema layer's engine: every schemas/*.schema.json compiled once per process with ajv (draft
// 2020-12, all errors). Documents are checked against the schema whose title is their kind.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { schemasDir } from '../util/paths.js';

interface CompiledSchemas {
  byKind: Map<string, ValidateFunction>;
  /** Hash of all schema texts: cached validation results are void when it changes. */
  hash: string;
}

let compiled: CompiledSchemas | undefined;

function compileAll(): CompiledSchemas {
  // verbose: errors carry the failing schema, used to list allowed fields and values in messages.
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: false });
  const hash = createHash('sha256');
  const kinds: [string, string][] = [];
  for (const file of readdirSync(schemasDir).filter((f) => f.endsWith('.schema.json')).sort()) {
    const text = readFileSync(join(schemasDir, file), 'utf8');
    hash.update(file).update(text);
    const schema = JSON.parse(text) as { $id: string; title?: string; properties?: { kind?: { const?: string } } };
    ajv.addSchema(schema);
    const kind = schema.properties?.kind?.const;
    if (kind) kinds.push([kind, schema.$id]);
  }
  const byKind = new Map(kinds.map(([kind, id]) => [kind, ajv.getSchema(id)!]));
  return { byKind, hash: hash.digest('hex') };
}

function schemas(): CompiledSchemas {
  return (compiled ??= compileAll());
}

/** Kinds that have a schema (the Boreas kinds). */
export function schemaKinds(): string[] {
  return [...schemas().byKind.keys()];
}

/** Identifies the schema set, for cache keys. */
export function schemasHash(): string {
  return schemas().hash;
}

/** All schema errors of a document of a known kind (empty when valid). */
export function validateAgainstSchema(kind: string, value: unknown): ErrorObject[] {
  const validate = schemas().byKind.get(kind);
  if (!validate) throw new Error(`no schema for kind ${kind}`);
  return validate(value) ? [] : [...(validate.errors ?? [])];
}
