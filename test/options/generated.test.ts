// docs/options.md and schemas/config/*.schema.json are generated from the option tables: this fails
// when an option changes without `npm run gen:options`, so docs and editor schemas cannot drift.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedOptionFiles } from '../../scripts/gen-options.js';
import { packageRoot } from '../../src/util/paths.js';

test('docs/options.md and the config-file schemas match the option tables', () => {
  for (const [file, expected] of generatedOptionFiles()) {
    const actual = readFileSync(join(packageRoot, file), 'utf8');
    assert.ok(actual === expected, `${file} is stale: run \`npm run gen:options\``);
  }
});
