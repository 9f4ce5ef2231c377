// A second, independent client checks the FAKE API server's wire behaviour: the real kubectl
// (discovery with short names, /openapi/v3 to find server-side field validation, server-side apply,
// strict field validation, immutable fields, diff, watch, delete). Skips with the reason when kubectl is absent.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { test } from 'node:test';
import { startFakeKubeApiServer } from '../../fakes/kube-apiserver/index.js';

const kubectl = (process.env.PATH ?? '')
  .split(delimiter)
  .map((d) => join(d, 'kubectl'))
  .find((p) => existsSync(p));

const deployment = (replicas: number, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: guestbook-ui, namespace: default}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: guestbook-ui}}
  template:
    metadata: {labels: {app: guestbook-ui}}
    spec:
      containers: [{name: guestbook-ui, image: "registry.local/guestbook-ui:0.2"${extra}}]
`;

test('kubectl get / apply --server-side / diff / delete / watch against the fake', { skip: kubectl ? false : 'kubectl not found on PATH' }, async (t) => {
  const server = await startFakeKubeApiServer();
  const dir = await mkdtemp(join(tmpdir(), 'boreas-kubectl-'));
  t.after(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });
  await writeFile(join(dir, 'kubeconfig'), server.kubeconfig());
  const run = (...args: string[]) =>
    new Promise<{ code: number; out: string; err: string }>((resolve) => {
      execFile(
        kubectl!,
        ['--kubeconfig', join(dir, 'kubeconfig'), ...args],
        { timeout: 60_000, env: { ...process.env, KUBECACHEDIR: join(dir, 'cache'), HOME: dir } },
        (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: stdout, err: stderr }),
      );
    });
  const file = async (name: string, text: string) => {
    await writeFile(join(dir, name), text);
    return join(dir, name);
  };

  const empty = await run('get', 'deploy');
  assert.equal(empty.code, 0, empty.err);
  assert.match(empty.err, /No resources found in default namespace/);

  const applied = await run('apply', '--server-side', '-f', await file('v1.yaml', deployment(2)));
  assert.equal(applied.code, 0, applied.err);
  assert.equal(applied.out.trim(), 'deployment.apps/guestbook-ui serverside-applied');
  const stored = server.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'guestbook-ui' }) as any;
  assert.equal(stored.spec.replicas, 2);
  assert.deepEqual(
    stored.metadata.managedFields.map((m: any) => [m.manager, m.operation]),
    [['kubectl', 'Apply']],
  );
  assert.ok(
    server.requests.some((r) => r.startsWith('PATCH /apis/apps/v1/namespaces/default/deployments/guestbook-ui?') && r.includes('fieldValidation=Strict')),
    'kubectl found server-side field validation in /openapi/v3 and asked for it',
  );

  const listed = await run('get', 'deploy', '-o', 'name');
  assert.equal(listed.out.trim(), 'deployment.apps/guestbook-ui');
  const all = await run('get', 'all', '-o', 'name');
  assert.match(all.out, /deployment\.apps\/guestbook-ui/, 'the "all" category includes deployments');

  const typo = await run('apply', '--server-side', '-f', await file('typo.yaml', deployment(2, ', imagePullPolice: Always')));
  assert.notEqual(typo.code, 0);
  assert.match(
    typo.err,
    /Error from server \(BadRequest\): failed to create typed patch object \(default\/guestbook-ui; apps\/v1, Kind=Deployment\): \.spec\.template\.spec\.containers\[name="guestbook-ui"\]\.imagePullPolice: field not declared in schema/,
  );

  const moved = await run('apply', '--server-side', '-f', await file('selector.yaml', deployment(2).replaceAll('app: guestbook-ui', 'app: guestbook')));
  assert.notEqual(moved.code, 0);
  assert.match(moved.err, /The Deployment "guestbook-ui" is invalid: spec\.selector: Invalid value: .*: field is immutable/, 'a selector is immutable');

  const kinds = await run('get', 'ing,netpol,hpa,pdb,rs', '-o', 'name');
  assert.equal(kinds.code, 0, `Ingress, NetworkPolicy, HPA, PDB and ReplicaSet are served, by their short names: ${kinds.err}`);

  const diff = await run('diff', '--server-side', '-f', await file('v2.yaml', deployment(3)));
  assert.equal(diff.code, 1, `kubectl diff exits 1 when there are differences: ${diff.err}`);
  assert.match(diff.out, /^-\s+replicas: 2$/m);
  assert.match(diff.out, /^\+\s+replicas: 3$/m);
  assert.equal(
    (server.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'guestbook-ui' }) as any).spec.replicas,
    2,
    'diff wrote nothing',
  );

  const deleted = await run('delete', 'deployment', 'guestbook-ui');
  assert.equal(deleted.code, 0, deleted.err);
  assert.equal(deleted.out.trim(), 'deployment.apps "guestbook-ui" deleted');
  assert.equal(server.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'guestbook-ui' }), undefined);

  // watch: the events after a resourceVersion, streamed until the request's timeout
  await run('apply', '--server-side', '-f', await file('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: prod}\n'));
  const watched = await run('get', 'configmaps', '--watch-only', '--request-timeout=2s', '-o', 'name');
  assert.equal(watched.out.trim(), '', 'nothing changed during the watch');
  const watch = run('get', 'configmaps', '--watch', '--request-timeout=3s', '-o', 'name');
  setTimeout(() => server.setStatus({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'settings' }, {}), 1000);
  const w = await watch;
  assert.deepEqual(w.out.trim().split('\n'), ['configmap/settings', 'configmap/settings'], 'the initial list, then the MODIFIED event');
});
