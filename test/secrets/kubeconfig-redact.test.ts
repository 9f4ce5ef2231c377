// A kubeconfig resolved through `kubeconfigFrom` is masked by its credentials only: its other lines
// (`apiVersion: v1`, `    namespace: default`) are common YAML, and masking them garbled every
// Kubernetes diff, message and stored rendered text that holds them.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveSecret } from '../../src/secrets/resolve.js';
import { redact } from '../../src/util/redact.js';

const kubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster:
    server: https://127.0.0.1:6443
contexts:
- name: prod
  context:
    cluster: prod
    user: deployer
    namespace: default
current-context: prod
users:
- name: deployer
  user:
    token: kube-token-5f2a9c
    client-key-data: S0VZREFUQS1zZWNyZXQ=
- name: oidc
  user:
    auth-provider:
      name: oidc
      config: {client-id: boreas, refresh-token: refresh-7d1e0b}
`;

test('a kubeconfig from kubeconfigFrom masks its credentials, not the YAML lines every manifest shares', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'boreas-kubeconfig-redact-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'kubeconfig');
  await writeFile(file, kubeconfig);
  assert.equal(await resolveSecret({ file }), kubeconfig, 'the value itself is returned whole');

  const diff = '@@ -1,4 +1,5 @@\n-apiVersion: v1\n-kind: ConfigMap\n+apiVersion: v1\n+kind: ConfigMap\n metadata:\n   name: settings\n   namespace: default\n';
  assert.equal(redact(diff), diff, 'a rendered object is not garbled by the kubeconfig lines');
  assert.equal(redact('current-context: prod; users: ok'), 'current-context: prod; users: ok');
  for (const secret of ['kube-token-5f2a9c', 'S0VZREFUQS1zZWNyZXQ=', 'refresh-7d1e0b']) {
    assert.equal(redact(`error: Bearer ${secret} refused`), 'error: Bearer *** refused', secret);
  }
  assert.equal(redact('client-id boreas'), 'client-id boreas', 'an auth provider setting that is not a credential stays');
});

test('a value that is not a kubeconfig document is still masked whole and by line', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'boreas-kubeconfig-redact-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'pem');
  await writeFile(file, 'first-line-9a8b7c\nsecond-line-6d5e4f\n');
  await resolveSecret({ file });
  assert.equal(redact('got second-line-6d5e4f here'), 'got *** here');
});
