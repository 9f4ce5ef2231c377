// Target modules are imported on first use; what the registry knows before that (each factory's key
// prefix and whether its resources live on this machine) must be what the loaded factory says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadedTargetFactories, targetFactories } from '../../src/targets/index.js';

test('lazy target factories describe themselves as the loaded factories do', async () => {
  const describe = (fs: { type: string; onThisMachine: boolean }[]) => fs.map((f) => ({ type: f.type, onThisMachine: f.onThisMachine }));
  assert.deepEqual(describe(targetFactories()), describe(await loadedTargetFactories()));
});
