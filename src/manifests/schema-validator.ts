// The schema layer's engine: every schemas/*.schema.json compiled once per process with ajv (draft
// 2020-12, all errors). Documents are checked against the schema whose title is their kind.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { schemasDir } from '../util/paths.js';

interface CompiledSchemas {
  byKind: Map<string, ValidateFunction>;
}

let texts: { file: string; text: string }[] | undefined;
let hash: string | undefined;
let compiled: CompiledSchemas | undefined;

function schemaTexts(): { file: string; text: string }[] {
  return (texts ??= readdirSync(schemasDir)
    .filter((f) => f.endsWith('.schema.json'))
    .sort()
    .map((file) => ({ file, text: readFileSync(join(schemasDir, file), 'utf8') })));
}

function compileAll(): CompiledSchemas {
  // verbose: errors carry the failing schema, used to list allowed fields and values in messages.
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: false });
  const kinds: [string, string][] = [];
  for (const { text } of schemaTexts()) {
    const schema = JSON.parse(text) as { $id: string; title?: string; properties?: { kind?: { const?: string } } };
    ajv.addSchema(schema);
    const kind = schema.properties?.kind?.const;
    if (kind) kinds.push([kind, schema.$id]);
  }
  const byKind = new Map(kinds.map(([kind, id]) => [kind, ajv.getSchema(id)!]));
  return { byKind };
}

function schemas(): CompiledSchemas {
  return (compiled ??= compileAll());
}

/** Kinds that have a schema (the Boreas kinds). */
export function schemaKinds(): string[] {
  return [...schemas().byKind.keys()];
}

/** Identifies the schema set, for cache keys; does not compile (a fully cached load never needs ajv). */
export function schemasHash(): string {
  if (!hash) {
    const h = createHash('sha256');
    for (const { file, text } of schemaTexts()) h.update(file).update(text);
    hash = h.digest('hex');
  }
  return hash;
}

/** Compiles the schemas now (benchmarks time it apart). */
export function compileSchemas(): void {
  schemas();
}

/** All schema errors of a document of a known kind (empty when valid). */
export function validateAgainstSchema(kind: string, value: unknown): ErrorObject[] {
  const validate = schemas().byKind.get(kind);
  if (!validate) throw new Error(`no schema for kind ${kind}`);
  return validate(value) ? [] : [...(validate.errors ?? [])];
}
