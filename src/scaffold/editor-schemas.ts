// JSON Schemas for editors: one self-contained file per kind (the shared definitions of
// common.schema.json merged in, no `$id`), so yaml-language-server and other editors validate a
// manifest from a relative `# yaml-language-server: $schema=schemas/<kind>.schema.json` line with
// no network and no installed Boreas, whatever base they resolve `$ref`s against.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemasDir } from '../util/paths.js';

type Schema = Record<string, unknown> & { $defs?: Record<string, unknown> };

const COMMON = 'common.schema.json';

/** File name → schema text, for every kind (common definitions inlined). */
export function editorSchemas(): Map<string, string> {
  const read = (file: string) => JSON.parse(readFileSync(join(schemasDir, file), 'utf8')) as Schema;
  const common = read(COMMON).$defs ?? {};
  const out = new Map<string, string>();
  for (const file of readdirSync(schemasDir)
    .filter((f) => f.endsWith('.schema.json') && f !== COMMON)
    .sort()) {
    out.set(file, JSON.stringify(bundle(read(file), common, file), null, 2) + '\n');
  }
  return out;
}

function bundle(schema: Schema, common: Record<string, unknown>, file: string): Schema {
  const { $id: _id, ...rest } = schema;
  for (const name of Object.keys(schema.$defs ?? {})) {
    if (name in common) throw new Error(`${file}: $defs/${name} is also defined in ${COMMON}; rename one`);
  }
  const merged = { ...rest, $defs: { ...(schema.$defs ?? {}), ...common } };
  // `common.schema.json#/$defs/x` → `#/$defs/x`: the definitions now live in this document.
  return JSON.parse(JSON.stringify(merged).replaceAll(`"${COMMON}#/$defs/`, '"#/$defs/')) as Schema;
}
