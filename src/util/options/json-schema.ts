// The JSON Schema of a config file, generated from its option table: the daemon and the agent
// validate their files with it, and scripts/gen-options.ts ships it under schemas/config/ so editors
// validate and complete `boreas.yaml` / `agent.yaml` as they are typed.
import type { JsonSchema } from './kind.js';
import { type OptionTable, defaultText } from './option.js';

export interface ConfigFileMeta {
  $id: string;
  title: string;
  description: string;
}

type SchemaObject = { [keyword: string]: unknown; properties?: Record<string, SchemaObject> };

/** Every key of the table (its description, default and value schema), plus the alias keys as nested sections. */
export function configSchema(table: OptionTable, meta: ConfigFileMeta): JsonSchema {
  const properties: Record<string, SchemaObject> = {};
  for (const [key, spec] of Object.entries(table)) {
    const d = defaultText(spec);
    properties[key] = { ...spec.kind.schema, description: spec.description + (d ? ` (default: ${d})` : '') };
  }
  for (const [key, spec] of Object.entries(table)) {
    for (const alias of spec.aliases ?? []) {
      const segs = alias.path.split('.');
      let level = properties;
      for (const seg of segs.slice(0, -1)) {
        // Sections of an older format: the keys Boreas reads are checked, others are ignored.
        level[seg] ??= { type: 'object', description: 'older format, read for compatibility', properties: {} };
        level = level[seg].properties ??= {};
      }
      level[segs[segs.length - 1]] = { ...alias.schema, description: `older spelling of ${key}` };
    }
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    ...meta,
    type: 'object',
    additionalProperties: false,
    properties,
  };
}
