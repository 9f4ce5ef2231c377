// The schema validators the CLI runs are generated from schemas/ (ajv standalone code): this fails
// when a schema changes without `npm run gen:validators`, and checks that the generated code reports
// what ajv compiling the schemas at run time reports, so messages are the same on either path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { generateValidators, generatedValidatorsPath } from '../../scripts/gen-validators.js';
import { ajvOptions, schemaKinds, usingGeneratedValidators, validateAgainstSchema } from '../../src/manifests/schema-validator.js';
import { schemasDir } from '../../src/util/paths.js';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

test('src/manifests/schema-validators.generated.ts matches what schemas/ generate, and is the one in use', () => {
  const actual = readFileSync(generatedValidatorsPath, 'utf8');
  assert.ok(actual === generateValidators(), 'schema-validators.generated.ts is stale: run `npm run gen:validators`');
  assert.equal(usingGeneratedValidators(), true);
});

test('generated validators report the same errors as the schemas compiled at run time', () => {
  const ajv = new Ajv2020(ajvOptions);
  const ids = new Map<string, string>();
  for (const file of readdirSync(schemasDir).filter((f) => f.endsWith('.schema.json'))) {
    const schema = JSON.parse(readFileSync(join(schemasDir, file), 'utf8'));
    ajv.addSchema(schema);
    if (schema.properties?.kind?.const) ids.set(schema.properties.kind.const, schema.$id);
  }
  assert.deepEqual(schemaKinds().sort(), [...ids.keys()].sort());
  const meta = { name: 'web', labels: { tier: 7 } };
  const docs = [
    {
      apiVersion: 'boreas.dev/v1',
      kind: 'Application',
      metadata: meta,
      spec: { replicas: 'two', runner: 'nope', ports: [{ name: 'http', port: 70000 }], bogus: 1 },
    },
    { apiVersion: 'boreas.dev/v1', kind: 'Environment', metadata: meta, spec: { target: { type: 'moon' } } },
    { apiVersion: 'boreas.dev/v1', kind: 'Release', metadata: {}, spec: { versions: [{ percent: -1 }] } },
    { apiVersion: 'boreas.dev/v2', kind: 'Certificate', metadata: meta, spec: [] },
  ];
  let errors = 0;
  for (const doc of docs) {
    const compiled = ajv.getSchema(ids.get(doc.kind)!)!;
    compiled(doc);
    const expected = compiled.errors ?? [];
    errors += expected.length;
    assert.deepEqual(validateAgainstSchema(doc.kind, doc), [...expected], doc.kind);
  }
  assert.ok(errors > 8, 'the documents are invalid in several ways');
});
