// Live drift between resyncs: the target's watch tells edits and deletions by others, not status
// updates or Boreas's own writes, resumes after the server ends a watch request, and stops on abort;
// the daemon turns such an event into a reconcile of what drifted, long before its resync.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { resolveDaemonConfig, startDaemon } from '../../../src/daemon/index.js';
import { buildNamespaceResource } from '../../../src/desired/kubernetes/index.js';
import { KubeClient } from '../../../src/targets/kubernetes/client.js';
import { KubeHttp } from '../../../src/targets/kubernetes/http.js';
import { watchLive } from '../../../src/targets/kubernetes/watch.js';
import { silentLogger } from '../../../src/util/logger.js';
import { startFakeKubeApiServer } from '../../fakes/kube-apiserver/index.js';
import { createGitRepo } from '../../helpers/git-repo.js';
import { freePort } from '../../helpers/ports.js';
import { desiredOf, rawApp, startHarness, withNamespace, withRaw } from './harness.js';

const settings = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { mode: 'prod' } };
const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'settings' };

/** Polls until `check` holds (bounded), for events that arrive asynchronously. */
async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !check(); ) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const hookJob = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'migrate', annotations: { 'argocd.argoproj.io/hook': 'PreSync', 'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded' } },
  spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image: 'registry.local/migrate:1' }] } } },
};
const ingress = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'edge' },
  spec: { defaultBackend: { service: { name: 'ui', port: { number: 80 } } } },
};

test('the watch reports edits and deletions by others, not status updates or Boreas writes, and resumes after a watch ends', async (t) => {
  const h = await startHarness(t, { unserved: ['networking.k8s.io/v1/Ingress'] });
  const set = withRaw(h.manifests([rawApp('guestbook')]), 'guestbook', [settings] as never[]);
  const desired = withNamespace(desiredOf(set), buildNamespaceResource(set.environments.get('prod')!));
  await h.reconcile(desired);
  // A sync hook (created and deleted by the sync itself) and a blocked kind (never applied) are not watched.
  const others = desiredOf(withRaw(h.manifests([rawApp('guestbook')]), 'guestbook', [hookJob, ingress] as never[]));

  const drift: string[] = [];
  const errors: string[] = [];
  const stop = new AbortController();
  const watching = h.target.watch!([...desired, ...others], { drift: (r) => drift.push(r), error: (m) => errors.push(m) }, stop.signal);
  await until('the watch to start', () => h.server.requests.some((r) => r.includes('watch=1') && r.includes('/configmaps')));
  await until('the unserved kind to be given up', () => errors.length > 0);
  assert.deepEqual(errors, ['cluster prod: Ingress networking.k8s.io/v1 is not served by cluster prod (API missing or CRD not installed); not watched']);
  assert.deepEqual(
    h.server.requests.filter((r) => /\/jobs|\/ingresses/.test(r)),
    [],
    'no request about the hook or the unserved kind',
  );

  h.server.setStatus(ref, { note: 'a controller wrote status' }); // not drift
  await h.reconcile(desired); // Boreas's own no-op run
  h.server.editAs('kubectl-edit', ref, (o: any) => void (o.data.mode = 'debug'));
  await until('the edit to be reported', () => drift.length > 0);
  assert.deepEqual(drift, ['ConfigMap shop/settings changed on the cluster by kubectl-edit']);

  await fetch(`${h.server.url}/api/v1/namespaces/shop/configmaps/settings`, { method: 'DELETE' });
  await until('the deletion to be reported', () => drift.length > 1);
  assert.equal(drift[1], 'ConfigMap shop/settings deleted on the cluster');
  stop.abort();
  await watching; // ends quietly on abort

  // A watch request the server ends (timeoutSeconds) is resumed from the last resourceVersion.
  await h.reconcile(desired);
  const kc = new KubeConfig();
  kc.loadFromString(h.server.kubeconfig());
  const http = new KubeHttp(kc, { timeoutMs: 10_000 });
  t.after(() => http.close());
  const live = h.server.get(ref)!;
  const seen: string[] = [];
  const again = new AbortController();
  const resumed = watchLive(new KubeClient(http, 'prod'), [live as never], {
    onDrift: (r) => seen.push(r),
    signal: again.signal,
    subject: 'cluster prod',
    timeoutSeconds: 1,
  });
  await until('a second watch request', () => h.server.requests.filter((r) => r.includes('watch=1') && r.includes('timeoutSeconds=1')).length >= 2);
  h.server.editAs('kubectl-edit', ref, (o: any) => void (o.data.mode = 'again'));
  await until('the edit after the resume', () => seen.length > 0);
  assert.deepEqual(seen, ['ConfigMap shop/settings changed on the cluster by kubectl-edit']);
  const resumedFrom = h.server.requests.filter((r) => r.includes('watch=1') && r.includes('timeoutSeconds=1'))[1];
  assert.match(resumedFrom, /resourceVersion=\d+/, `resumed from a resourceVersion: ${resumedFrom}`);
  again.abort();
  await resumed;
});

test('the daemon reconciles an environment when its live state drifts, long before the resync', async (t) => {
  const server = await startFakeKubeApiServer();
  const dir = await mkdtemp(join(tmpdir(), 'boreas-k8s-watch-'));
  const repo = await createGitRepo();
  t.after(async () => {
    await server.stop();
    await repo.cleanup();
    await rm(dir, { recursive: true, force: true });
  });
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, server.kubeconfig());
  await repo.write({
    'environment.yaml': `apiVersion: boreas.dev/v1\nkind: Environment\nmetadata: {name: prod}\nspec:\n  type: kubernetes\n  kubernetes: {namespace: default, kubeconfigFrom: {file: ${JSON.stringify(kubeconfig)}}}\n`,
    'app.yaml':
      'apiVersion: boreas.dev/v1\nkind: Application\nmetadata: {name: config}\nspec: {environment: prod, runtime: kubernetes, kubernetes: {path: k8s}}\n',
    'k8s/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: prod}\n',
  });
  await repo.commit('config');
  const daemon = await startDaemon(
    resolveDaemonConfig(
      {
        repo: repo.dir,
        ref: 'main',
        state: join(dir, 'state.db'),
        listen: `127.0.0.1:${await freePort(1)}`,
        interval: '1h',
        resync: '1h',
        logLevel: 'error',
        timeout: '60s',
      },
      dir,
      {},
    ),
    silentLogger,
  );
  t.after(() => daemon.stop());
  const records = daemon.ctx.controller.records;
  await until('the start-up reconcile', () => records[0]?.result === 'converged', 60_000);
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'settings' };
  await until('the watch to start', () => server.requests.some((r) => r.includes('watch=1') && r.includes('/configmaps')));
  server.editAs('kubectl-edit', cm, (o: any) => void (o.data.mode = 'debug'));
  await until('a reconcile triggered by the drift', () => records.some((r) => r.reasons.includes('drift:kubernetes:prod') && r.result === 'converged'), 60_000);
  assert.equal((server.get(cm) as { data: { mode: string } }).data.mode, 'prod', 'the edit was taken back');
  assert.equal(records.length, 2, "one reconcile at start, one for the drift: Boreas's own write did not trigger another");
});
