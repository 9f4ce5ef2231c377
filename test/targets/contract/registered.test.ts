// Every registered target type is held to the contract: a new factory in src/targets/index.ts
// without a contract fixture here fails this test (renovate-style "every module implements it").
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { targetFactories } from '../../../src/targets/index.js';

/** Target type → the file that runs the contract (or the dedicated suite) for it. */
const covered: Record<string, string[]> = {
  local: ['local.test.ts'],
  agent: ['agent-push.test.ts', 'agent-pull.test.ts'],
  kubernetes: ['kubernetes.test.ts'],
  // Issuing is the apply of this target; its lifecycle is tested with real nginx/pebble in test/certificates.
  certificates: ['../../certificates/tls.test.ts', '../../certificates/acme.test.ts'],
};

test('every registered target type has contract tests', () => {
  const types = targetFactories().map((f) => f.type);
  assert.deepEqual(types.sort(), Object.keys(covered).sort());
  const here = new Set(readdirSync(import.meta.dirname));
  for (const files of Object.values(covered)) for (const f of files) if (!f.startsWith('..')) assert.ok(here.has(f), `${f} exists`);
});
