// The schema layer's engine: documents are checked against the schema whose title is their kind
// (schemas/*.schema.json, draft 2020-12, all errors). The validators come precompiled from
// schema-validators.generated.ts (ajv standalone code, scripts/gen-validators.ts), so no run
// compiles schemas at start-up (issue 12); when that module is missing or was made from other
// schemas (a schema edited in a checkout, not yet regenerated), ajv compiles them here instead,
// once per process.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { ErrorObject, Options, ValidateFunction } from 'ajv';
import { schemasDir } from '../util/paths.js';

/** The ajv options both the generator and the fallback compile with. verbose: errors carry the
 *  failing schema, used to list allowed fields and values in messages. */
export const ajvOptions: Options = { allErrors: true, verbose: true, strict: false };

let texts: { file: string; text: string }[] | undefined;
let hash: string | undefined;
let compiled: Map<string, ValidateFunction> | undefined;

function schemaTexts(): { file: string; text: string }[] {
  return (texts ??= readdirSync(schemasDir)
    .filter((f) => f.endsWith('.schema.json'))
    .sort()
    .map((file) => ({ file, text: readFileSync(join(schemasDir, file), 'utf8') })));
}

/** The generated validators when they match the schemas on disk; else ajv, to compile them. */
async function loadValidators(): Promise<{ byKind: Map<string, ValidateFunction> } | { compile: () => Map<string, ValidateFunction> }> {
  const generated = await import('./schema-validators.generated.js').catch(() => undefined);
  if (generated && generated.generatedFromSchemas === schemasHash()) return { byKind: new Map(Object.entries(generated.validatorsByKind)) };
  // ajv is CommonJS: Node's import() offers its named exports, the bundled CLI only `default`
  // (module.exports, which is the Ajv2020 class itself).
  const ajvModule = await import('ajv/dist/2020.js');
  const Ajv2020 = ajvModule.Ajv2020 ?? ajvModule.default;
  return {
    compile: () => {
      const ajv = new Ajv2020(ajvOptions);
      const kinds: [string, string][] = [];
      for (const { text } of schemaTexts()) {
        const schema = JSON.parse(text) as { $id: string; title?: string; properties?: { kind?: { const?: string } } };
        ajv.addSchema(schema);
        const kind = schema.properties?.kind?.const;
        if (kind) kinds.push([kind, schema.$id]);
      }
      return new Map(kinds.map(([kind, id]) => [kind, ajv.getSchema(id)!]));
    },
  };
}

const source = await loadValidators();

function schemas(): Map<string, ValidateFunction> {
  return (compiled ??= 'byKind' in source ? source.byKind : source.compile());
}

/** Whether the validators in use are the generated ones (false: compiled at run time). */
export function usingGeneratedValidators(): boolean {
  return 'byKind' in source;
}

/** Kinds that have a schema (the Boreas kinds). */
export function schemaKinds(): string[] {
  return [...schemas().keys()];
}

/** Whether `kind` has a schema (a Boreas kind): per document, without building a list. */
export function isSchemaKind(kind: string): boolean {
  return schemas().has(kind);
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

/** Compiles the schemas now, when they are not the generated ones (benchmarks time it apart). */
export function compileSchemas(): void {
  schemas();
}

/** All schema errors of a document of a known kind (empty when valid). */
export function validateAgainstSchema(kind: string, value: unknown): ErrorObject[] {
  const validate = schemas().get(kind);
  if (!validate) throw new Error(`no schema for kind ${kind}`);
  return validate(value) ? [] : [...(validate.errors ?? [])];
}
