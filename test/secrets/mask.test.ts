import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskSecrets, maskFieldDiff, SENSITIVE } from '../../src/secrets/mask.js';
import { renderPlanText } from '../../src/report/plan-text.js';
import { renderPlanJson } from '../../src/report/plan-json.js';
import { renderPlanMarkdown } from '../../src/report/plan-markdown.js';
import { unifiedDiff } from '../../src/util/unified-diff.js';
import type { Plan } from '../../src/model/plan.js';
import { change, resource, headSha } from '../report/fixtures.js';

test('valueFrom references render as their source, never a value', () => {
  assert.equal(maskSecrets({ valueFrom: { env: 'DB_PASSWORD' } }), '(from env DB_PASSWORD)');
  assert.equal(maskSecrets({ valueFrom: { file: '/run/secrets/db' } }), '(from file /run/secrets/db)');
  assert.deepEqual(maskSecrets({ env: { LOG_LEVEL: 'info', DB: { valueFrom: { env: 'DB_URL' } } } }), { env: { LOG_LEVEL: 'info', DB: '(from env DB_URL)' } });
});

test('env keys that look secret are hidden even when literal', () => {
  const spec = {
    env: { LOG_LEVEL: 'info', DB_PASSWORD: 'hunter2', api_token: 't0k', AWS_SECRET_ACCESS_KEY: 'abc', GOOGLE_CREDENTIALS: '{}', PUBLIC_URL: 'http://x' },
  };
  assert.deepEqual(maskSecrets(spec), {
    env: {
      LOG_LEVEL: 'info',
      DB_PASSWORD: SENSITIVE,
      api_token: SENSITIVE,
      AWS_SECRET_ACCESS_KEY: SENSITIVE,
      GOOGLE_CREDENTIALS: SENSITIVE,
      PUBLIC_URL: 'http://x',
    },
  });
  // v1 `environment` maps and Kubernetes `env` lists alike
  assert.deepEqual(maskSecrets({ pkg: { environment: { ENV: 'production', REDIS_PASSWORD: 'p' } } }), {
    pkg: { environment: { ENV: 'production', REDIS_PASSWORD: SENSITIVE } },
  });
  const k8s = {
    spec: {
      containers: [
        {
          env: [
            { name: 'DB_PASSWORD', value: 'p' },
            { name: 'MODE', value: 'fast' },
          ],
        },
      ],
    },
  };
  assert.deepEqual(maskSecrets(k8s), {
    spec: {
      containers: [
        {
          env: [
            { name: 'DB_PASSWORD', value: SENSITIVE },
            { name: 'MODE', value: 'fast' },
          ],
        },
      ],
    },
  });
  // only env entries are judged by name: 'monkey' contains KEY but is not an environment variable
  assert.deepEqual(maskSecrets({ monkey: 'banana' }), { monkey: 'banana' });
});

test('Kubernetes Secret data and stringData values are hidden, keys stay visible', () => {
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, data: { password: 'aHVudGVyMg==' }, stringData: { user: 'admin' } };
  assert.deepEqual(maskSecrets(secret, { kubeSecret: true }), { ...secret, data: { password: SENSITIVE }, stringData: { user: SENSITIVE } });
  // a ConfigMap's data is not secret
  assert.deepEqual(maskSecrets({ kind: 'ConfigMap', data: { a: '1' } }), { kind: 'ConfigMap', data: { a: '1' } });
});

test('field diffs are masked by their path', () => {
  const inst = resource({ kind: 'Instance', owner: 'api', name: 'api-0' }, {});
  const c = change('update', inst);
  assert.deepEqual(maskFieldDiff({ path: 'env.DB_PASSWORD', before: 'old', after: 'new' }, c), {
    path: 'env.DB_PASSWORD',
    before: SENSITIVE,
    after: SENSITIVE,
  });
  assert.deepEqual(maskFieldDiff({ path: 'env.DB_URL', before: 'x', after: { valueFrom: { file: '/s/db' } } }, c), {
    path: 'env.DB_URL',
    before: 'x',
    after: '(from file /s/db)',
  });
  const kube = resource(
    { kind: 'KubeObject', owner: 'api', name: 'Secret/shop/db', id: 'kubernetes:prod/KubeObject/v1/Secret/shop/db', target: 'kubernetes:prod' },
    { kind: 'Secret', data: { password: 'bmV3' } },
  );
  assert.deepEqual(maskFieldDiff({ path: 'data.password', before: 'b2xk', after: 'bmV3' }, change('update', kube)), {
    path: 'data.password',
    before: SENSITIVE,
    after: SENSITIVE,
  });
  // k8s env list item: the sibling `name` is looked up in the spec
  const dep = resource(
    { kind: 'KubeObject', owner: 'api', name: 'Deployment/shop/api' },
    { spec: { template: { spec: { containers: [{ env: [{ name: 'API_TOKEN', value: 'new' }] }] } } } },
  );
  const fd = maskFieldDiff({ path: 'spec.template.spec.containers[0].env[0].value', before: 'old', after: 'new' }, change('update', dep));
  assert.deepEqual(fd, { path: 'spec.template.spec.containers[0].env[0].value', before: SENSITIVE, after: SENSITIVE });
});

test('no secret literal reaches text, json or markdown output', () => {
  const inst = resource({ kind: 'Instance', owner: 'api', name: 'api-0' }, { env: { DB_PASSWORD: 'hunter2-new', DB_URL: { valueFrom: { env: 'DB_URL' } } } });
  const secret = resource(
    {
      kind: 'KubeObject',
      owner: 'api',
      name: 'Secret/shop/db',
      id: 'kubernetes:prod/KubeObject/v1/Secret/shop/db',
      target: 'kubernetes:prod',
      environment: 'prod',
    },
    { apiVersion: 'v1', kind: 'Secret', data: { password: 'c3VwZXJzZWNyZXQ=' } },
  );
  const plan: Plan = {
    revision: headSha,
    unchanged: 0,
    orphans: [],
    unknown: [],
    unknownTargets: [],
    changes: [
      change('update', inst, {
        fields: [
          { path: 'env.DB_PASSWORD', before: 'hunter2-old', after: 'hunter2-new' },
          { path: 'env.DB_URL', before: 'postgres://literal', after: { valueFrom: { env: 'DB_URL' } } },
        ],
      }),
      change('update', secret, {
        fields: [{ path: 'data.password', before: 'b2xkc2VjcmV0', after: 'c3VwZXJzZWNyZXQ=' }],
        textDiffs: { 'Secret/shop/db': unifiedDiff('Secret/shop/db', 'data:\n  password: b2xkc2VjcmV0\n', 'data:\n  password: c3VwZXJzZWNyZXQ=\n') },
      }),
    ],
  };
  const outputs = {
    text: renderPlanText(plan, { color: false }),
    json: JSON.stringify(renderPlanJson(plan)),
    markdown: renderPlanMarkdown(plan),
  };
  for (const [format, out] of Object.entries(outputs)) {
    for (const secretValue of ['hunter2-old', 'hunter2-new', 'b2xkc2VjcmV0', 'c3VwZXJzZWNyZXQ=']) {
      assert.ok(!out.includes(secretValue), `${format} leaks ${secretValue}`);
    }
    assert.ok(out.includes('(sensitive)'), `${format} shows the placeholder`);
    assert.ok(out.includes('(from env DB_URL)'), `${format} shows the reference`);
  }
  assert.ok(outputs.text.includes('spec.env.DB_PASSWORD: (sensitive) → (sensitive)'));
  assert.ok(outputs.text.includes('spec.env.DB_URL: "postgres://literal" → (from env DB_URL)'));
  assert.ok(outputs.text.includes('data.password: (sensitive) → (sensitive)'));
});
