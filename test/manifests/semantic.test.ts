// The semantic layer as a pure function over documents: wildcard coverage, cycle naming, and that
// references to schema-invalid manifests are not reported twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSemantics, type ManifestDoc } from '../../src/manifests/semantic/index.js';
import { domainCovers } from '../../src/manifests/semantic/ingress.js';
import type { Application, Environment } from '../../src/manifests/model.js';

let line = 0;
const ref = () => ({ file: 'm.yaml', docIndex: line, line: ++line, col: 1 });
const env: ManifestDoc<Environment> = {
  kind: 'Environment',
  name: 'dev',
  ref: ref(),
  manifest: { apiVersion: 'boreas.dev/v1', kind: 'Environment', metadata: { name: 'dev' }, spec: { type: 'local' } },
};
const app = (name: string, dependsOn: string[] = [], environment = 'dev'): ManifestDoc<Application> => ({
  kind: 'Application',
  name,
  ref: ref(),
  manifest: {
    apiVersion: 'boreas.dev/v1',
    kind: 'Application',
    metadata: { name },
    spec: { environment, runtime: 'process', process: { command: '/bin/x' }, dependsOn },
  },
});

test('a wildcard domain covers exactly one more label', () => {
  assert.equal(domainCovers('*.example.com', 'shop.example.com'), true);
  assert.equal(domainCovers('*.example.com', 'a.shop.example.com'), false);
  assert.equal(domainCovers('*.example.com', 'example.com'), false);
  assert.equal(domainCovers('shop.example.com', 'shop.example.com'), true);
  assert.equal(domainCovers('shop.example.com', 'www.example.com'), false);
});

test('a dependsOn cycle is named once, in order, at the entry that closes it', () => {
  const findings = checkSemantics([env, app('a', ['b']), app('b', ['c']), app('c', ['a']), app('d', ['a'])]);
  assert.deepEqual(
    findings.map((f) => [f.manifest, f.path.join('.'), f.message]),
    [['Application/c', 'spec.dependsOn.0', 'dependsOn cycle: a -> b -> c -> a']],
  );
});

test('references to a schema-invalid manifest are not reported again; unknown ones suggest a name', () => {
  const findings = checkSemantics([env, app('web', [], 'prod'), app('api', [], 'deve')], [{ kind: 'Environment', name: 'prod' }]);
  assert.deepEqual(
    findings.map((f) => [f.manifest, f.message]),
    [['Application/api', 'Environment "deve" not found (did you mean "dev"?)']],
  );
});
