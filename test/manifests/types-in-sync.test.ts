// The TypeScript types are generated from schemas/: this fails when a schema changes without
// `npm run gen:types`, so the two can never drift apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generateTypes, generatedTypesPath } from '../../scripts/gen-types.js';

test('src/model/manifest-types.generated.ts matches what schemas/ generate', async () => {
  const expected = await generateTypes();
  const actual = readFileSync(generatedTypesPath, 'utf8');
  assert.ok(actual === expected, 'types.generated.ts is stale: run `npm run gen:types`');
});
