// Agent configuration: defaults ← agent.yaml ← flags, merged into `AgentConfig`, whose type is derived
// from the option table (options.ts), so a setting is declared in one place.
import { type OptionLayer, type OptionValues, mergeOptions, readConfigFile } from '../util/options/index.js';
import { agentOptions } from './options.js';

export { parseListen } from './options.js';

/** Everything the agent runs with (one property per option of `agentOptions`). */
export type AgentConfig = OptionValues<typeof agentOptions>;

/** What editors and `readAgentConfigFile` check agent.yaml against (schemas/config/agent-config.schema.json). */
export const agentConfigFile = {
  $id: 'https://boreas.dev/schemas/agent-config.json',
  title: 'agent.yaml',
  description: 'Configuration of `boreas agent`: every key mirrors a flag (camelCase); a flag wins over the file.',
};

/** The defaults (the work dir depends on the user, the node name on the host). */
export function defaultAgentConfig(): AgentConfig {
  return mergeOptions(agentOptions, [], process.cwd());
}

/** Reads agent.yaml; every problem names `file:line:col` and the key. */
export function readAgentConfigFile(path: string): OptionLayer<typeof agentOptions> {
  return readConfigFile(agentOptions, path, agentConfigFile);
}

/** Merges layers over the defaults (later wins), resolves paths against the working directory and checks the result. */
export function resolveAgentConfig(...layers: Array<Partial<AgentConfig>>): AgentConfig {
  return mergeOptions(agentOptions, layers, process.cwd());
}
