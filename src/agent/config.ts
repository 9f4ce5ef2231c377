// Agent configuration: defaults ← agent.yaml ← flags, merged into `AgentConfig`, whose type is derived
// from the option table (options.ts), so a setting is declared in one place. Reading agent.yaml is
// config-file.ts, apart: the local target uses these defaults and should not load a YAML parser and ajv.
import { type OptionValues, mergeOptions } from '../util/options/index.js';
import { agentOptions } from './options.js';

export { parseListen } from './options.js';

/** Everything the agent runs with (one property per option of `agentOptions`). */
export type AgentConfig = OptionValues<typeof agentOptions>;

/** The defaults (the work dir depends on the user, the node name on the host). */
export function defaultAgentConfig(): AgentConfig {
  return mergeOptions(agentOptions, [], process.cwd());
}

/** Merges layers over the defaults (later wins), resolves paths against the working directory and checks the result. */
export function resolveAgentConfig(...layers: Array<Partial<AgentConfig>>): AgentConfig {
  return mergeOptions(agentOptions, layers, process.cwd());
}
