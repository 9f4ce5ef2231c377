// The target contract against a Kubernetes cluster: the Kubernetes target built by its factory
// talks to the fake API server (real HTTP, real client library); a kubeconfig pointing at a closed
// port is Unknown/unreachable.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../../src/model/kube-object.js';
import type { KubeObjectResource } from '../../../src/model/resource.js';
import { createKubernetesTargetFactory } from '../../../src/targets/kubernetes/index.js';
import { hashJson } from '../../../src/util/hash.js';
import { freePort } from '../../helpers/ports.js';
import { testScope, testTargetContext } from '../../helpers/targets.js';
import { kubeEnv, startHarness } from '../kubernetes/harness.js';
import { targetContract } from './suite.js';

const configMap = (value: string): KubeObjectResource => {
  const spec: KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'web', namespace: 'default', labels: { 'app.kubernetes.io/managed-by': 'boreas', 'boreas.dev/application': 'web' } },
    data: { value },
  };
  return {
    id: 'kubernetes:prod/KubeObject/v1/ConfigMap/default/web',
    target: 'kubernetes:prod',
    kind: 'KubeObject',
    owner: 'web',
    environment: 'prod',
    name: 'ConfigMap/default/web',
    spec,
    hash: hashJson(spec),
    dependsOn: [],
  };
};

targetContract('kubernetes', async (t) => {
  const h = await startHarness(t);
  const closed = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'boreas-contract-k8s-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const deadConfig = join(dir, 'kubeconfig');
  await writeFile(deadConfig, h.server.kubeconfig().replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${closed}`));
  const dead = await createKubernetesTargetFactory().create('kubernetes:prod', testTargetContext(), testScope({ environments: [kubeEnv(deadConfig)] }));
  return {
    target: h.target,
    samples: [
      {
        name: 'ConfigMap',
        v1: configMap('1'),
        v2: configMap('2'),
        drift: async () => {
          h.server.editAs('kubectl-edit', { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'web' }, (obj) => {
            obj.data = { value: 'edited by hand' };
          });
        },
      },
    ],
    unreachable: { target: dead, reasons: ['unreachable'] },
  };
});
