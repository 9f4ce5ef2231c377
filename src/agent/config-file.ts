// agent.yaml: read and checked against the agent's option table (every problem names file:line:col
// and the key). Apart from config.ts so only `boreas agent` loads the YAML parser and ajv it needs.
import { readConfigFile } from '../util/options/config-file.js';
import type { OptionLayer } from '../util/options/index.js';
import { agentOptions } from './options.js';

/** What editors and `readAgentConfigFile` check agent.yaml against (schemas/config/agent-config.schema.json). */
export const agentConfigFile = {
  $id: 'https://boreas.dev/schemas/agent-config.json',
  title: 'agent.yaml',
  description: 'Configuration of `boreas agent`: every key mirrors a flag (camelCase); a flag wins over the file.',
};

/** Reads agent.yaml; every problem names `file:line:col` and the key. */
export function readAgentConfigFile(path: string): OptionLayer<typeof agentOptions> {
  return readConfigFile(agentOptions, path, agentConfigFile);
}
