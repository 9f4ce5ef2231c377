// Certificate rows of `boreas status`: text columns (SANs, expiry with days left, version, what each
// node serves, drift note) and the additive `certificates` field of the v1 status JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderStatusText, toV1Status } from '../../src/report/index.js';
import type { AppStatus } from '../../src/model/status.js';

const app = (certificates?: AppStatus['certificates']): AppStatus => ({
  app: 'web',
  environment: 'dev',
  revision: { sha: 'a'.repeat(40) },
  sync: 'in-sync',
  health: { status: 'Healthy', level: 100 },
  drift: [],
  instances: [{ instance: 'web-0', node: 'local', version: 'v1', health: { status: 'Healthy', level: 100 }, sync: 'in-sync', endpoint: '127.0.0.1:8080' }],
  certificates,
});

test('text: one row per certificate with SANs, expiry, version and served version per node', () => {
  const text = renderStatusText([
    app([
      {
        name: 'web-cert',
        domains: ['web.test'],
        sans: ['web.test', 'www.web.test'],
        notAfter: '2027-01-31T00:00:00.000Z',
        daysLeft: 68,
        issuer: 'acme',
        version: 3,
        fingerprint: 'f3',
        nodes: [
          { node: 'edge-1', version: 3, fingerprint: 'f3', drift: false },
          { node: 'edge-2', version: 2, fingerprint: 'f2', drift: true },
        ],
        message: 'drift: edge-2 serves version 2',
      },
    ]),
  ]);
  assert.match(text, /CERTIFICATE\s+SANS\s+EXPIRES\s+VERSION\s+ISSUER\s+SERVED\s+NOTES/);
  assert.match(text, /web-cert\s+web\.test,www\.web\.test\s+2027-01-31 \(68d\)\s+v3\s+acme\s+edge-1 v3, edge-2 v2 \(drift\)\s+drift: edge-2 serves version 2/);
});

test('text: a certificate not issued yet and a node serving nothing', () => {
  const text = renderStatusText([app([{ name: 'new-cert', domains: ['n.test'], nodes: [{ node: 'local', drift: true }], message: 'not issued yet' }])]);
  assert.match(text, /new-cert\s+n\.test\s+-\s+-\s+-\s+local none \(drift\)\s+not issued yet/);
});

test('v1 status JSON: certificates only when present, after the v1 fields', () => {
  assert.equal('certificates' in toV1Status(app()), false);
  const v1 = toV1Status(app([{ name: 'c', domains: ['c.test'], sans: ['c.test'], version: 1, nodes: [{ node: 'local', version: 1, drift: false }] }]));
  assert.deepEqual(Object.keys(v1), ['app', 'healthy', 'versions', 'certificates']);
  assert.deepEqual(v1.certificates![0].nodes, [{ node: 'local', version: 1, drift: false }]);
});
