// Option registries: one table per command family (daemon, agent, the CLI's common options) drives
// flags, config-file keys, JSON Schema, env fallbacks, docs and the merged settings type.
export type { FlagValue, JsonSchema, OptionKind } from './kind.js';
export * as kinds from './kinds.js';
export {
  type FileAlias,
  type Option,
  type OptionSpec,
  type OptionTable,
  type OptionValues,
  defaultText,
  fieldOf,
  flagAttribute,
  flagOf,
  flagSyntax,
  isNegatedSwitch,
  option,
} from './option.js';
export { type OptionLayer, type RawFlags, defaultValue, envLayer, flagLayer, mergeOptions } from './resolve.js';
export { type ConfigFileMeta, configSchema } from './json-schema.js';
// config-file.js (YAML with positions + ajv) is imported directly by the commands that read a config
// file: through this index every command, and the local target, would load both (start-up, issue 12).
