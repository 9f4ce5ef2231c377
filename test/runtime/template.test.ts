// Config templates: relation endpoints, no HTML escaping, missing names reported.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderTemplate } from '../../src/util/template.js';

const view = {
  app: 'web',
  instance: 'web-0',
  ordinal: 0,
  version: 'v1',
  ports: { http: 18080 },
  env: { URL: 'http://x/?a=1&b=<2>' },
  backend: {
    endpoints: '127.0.0.1:18081,127.0.0.1:18082',
    list: [
      { host: '127.0.0.1', port: 18081, node: 'local', instance: 'backend-0' },
      { host: '127.0.0.1', port: 18082, node: 'local', instance: 'backend-1' },
    ],
  },
};

test('renders instance facts, relation endpoints and lists without HTML escaping', () => {
  const r = renderTemplate(
    '{{app}}/{{instance}}:{{ports.http}} {{env.URL}}\nupstream={{backend.endpoints}}\n{{#backend.list}}server {{host}}:{{port}}; # {{instance}}\n{{/backend.list}}',
    view,
  );
  assert.equal(
    r.text,
    'web/web-0:18080 http://x/?a=1&b=<2>\nupstream=127.0.0.1:18081,127.0.0.1:18082\nserver 127.0.0.1:18081; # backend-0\nserver 127.0.0.1:18082; # backend-1\n',
  );
  assert.deepEqual(r.missing, []);
});

test('missing variables render empty and are named', () => {
  const r = renderTemplate('db={{db.endpoints}} port={{ports.admin}} again={{db.endpoints}}', view);
  assert.equal(r.text, 'db= port= again=');
  assert.deepEqual(r.missing, ['db.endpoints', 'ports.admin']);
});

test('a syntax error throws', () => {
  assert.throws(() => renderTemplate('{{#backend.list}} unclosed', view), /Unclosed section "backend.list"/);
});
