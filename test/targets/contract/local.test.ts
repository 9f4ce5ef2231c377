// The target contract on this machine: the local target runs the node agent's own handlers in
// process (loopback), with its records under <stateDir>/local.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../runtime/helpers.js';
import { localTarget } from '../local/helpers.js';
import { machineSamples } from './machine-samples.js';
import { targetContract } from './suite.js';

targetContract('local', async (t) => {
  const state = tempDir(t, 'boreas-contract-local-');
  const files = join(state, 'files');
  mkdirSync(files);
  const target = await localTarget(state, state);
  t.after(() => target.close?.());
  return { target, samples: await machineSamples(t, { target: 'local', node: 'local', filesDir: files, workDir: join(state, 'local') }) };
});
