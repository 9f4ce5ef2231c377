// `boreas agent`: the node agent (node status API + typed tasks). Config: defaults ← --config agent.yaml
// ← flags; every flag, key and default is declared once in src/agent/options.ts.
import type { Command } from 'commander';
import { resolveAgentConfig, type AgentConfig } from '../../agent/config.js';
import { readAgentConfigFile } from '../../agent/config-file.js';
import { agentOptions } from '../../agent/options.js';
import { startAgent } from '../../agent/server.js';
import { envLayer, flagLayer, type RawFlags } from '../../util/options/index.js';
import { addTableFlags } from '../option-flags.js';
import type { SetExit } from './types.js';

/** Flags as commander hands them over → the settings they give (undefined = not given). */
export function flagsToConfig(flags: RawFlags): Partial<AgentConfig> {
  return flagLayer(agentOptions, flags, process.cwd());
}

export function registerAgent(program: Command, _setExit: SetExit): void {
  const cmd = program
    .command('agent')
    .description('run the node agent: the node status API (/v1/apply, /v1/status) and typed tasks for the controller')
    .option('--config <file>', 'agent.yaml; flags override its keys (docs/options.md lists every key)');
  addTableFlags(cmd, agentOptions);
  cmd.action(async (flags: RawFlags & { config?: string }) => {
    const fileLayer = flags.config ? readAgentConfigFile(flags.config) : {};
    const config = resolveAgentConfig(envLayer(agentOptions, process.env, process.cwd()), fileLayer, flagsToConfig(flags));
    const agent = await startAgent({ config });
    process.stdout.write(`boreas agent ${config.nodeName} listening on ${agent.url}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await agent.close();
  });
}
