// examples/quickstart, run for real on the local target: manifests valid against the schemas, the
// desired graph built from them, both servers started, web's rendered config holds the backend's
// endpoint, and web answers with the backend's reply. Ports are moved to free ones so the test never
// collides with a quickstart someone is running.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import YAML from 'yaml';
import { buildDesired } from '../../../src/desired/index.js';
import { emptyManifestSet, type Application, type Environment } from '../../../src/manifests/model.js';
import type { DesiredResource } from '../../../src/model/resource.js';
import { downLocal } from '../../../src/targets/local/index.js';
import { freePort, onCleanup, tempDir, waitFor } from '../../runtime/helpers.js';
import { localTarget, task } from './helpers.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const quickstart = join(repoRoot, 'examples/quickstart');

function loadQuickstart(): { environments: Environment[]; applications: Application[] } {
  const ajv = new Ajv2020.default({ allErrors: true, strict: false });
  // The manifest kinds' schemas (schemas/config/ holds the config files' ones).
  for (const f of readdirSync(join(repoRoot, 'schemas')).filter((n) => n.endsWith('.schema.json')))
    ajv.addSchema(JSON.parse(readFileSync(join(repoRoot, 'schemas', f), 'utf8')));
  const environments: Environment[] = [];
  const applications: Application[] = [];
  for (const f of readdirSync(quickstart).filter((n) => n.endsWith('.yaml'))) {
    for (const doc of YAML.parseAllDocuments(readFileSync(join(quickstart, f), 'utf8'))) {
      const m = doc.toJS();
      const validate = ajv.getSchema(`https://boreas.dev/schemas/v1/${String(m.kind).toLowerCase()}.schema.json`)!;
      assert.ok(validate(m), `${f}: ${JSON.stringify(validate.errors)}`);
      if (m.kind === 'Environment') environments.push(m);
      if (m.kind === 'Application') applications.push(m);
    }
  }
  return { environments, applications };
}

test('the quickstart manifests validate, start, render the relation and answer', async (t) => {
  const { environments, applications } = loadQuickstart();
  assert.deepEqual(
    environments.map((e) => [e.metadata.name, e.spec.type]),
    [['local', 'local']],
  );
  assert.deepEqual(applications.map((a) => a.metadata.name).sort(), ['backend', 'web']);
  const ports = new Map<string, number>();
  for (const app of applications) {
    const port = await freePort();
    ports.set(app.metadata.name, port);
    app.spec.ports = [{ name: 'http', port }];
  }
  const set = emptyManifestSet();
  for (const e of environments) set.environments.set(e.metadata.name, { manifest: e, origin: { file: 'environment.yaml', docIndex: 0, line: 1, col: 1 } });
  for (const a of applications)
    set.applications.set(a.metadata.name, { manifest: a, origin: { file: `${a.metadata.name}.yaml`, docIndex: 0, line: 1, col: 1 } });
  const graph = buildDesired(set);

  const state = tempDir(t, 'boreas-qs-');
  onCleanup(t, () => downLocal(state));
  const target = await localTarget(state, quickstart);
  const byOwner = (owner: string, kind: DesiredResource['kind']) => graph.resources.filter((r) => r.owner === owner && r.kind === kind);
  // The order the executor follows: backend first (web dependsOn it), files before their instance.
  for (const owner of ['backend', 'web']) {
    for (const r of [...byOwner(owner, 'File'), ...byOwner(owner, 'Instance')]) {
      const res = await target.apply(task(r));
      assert.equal(res.outcome, 'created', `${r.id}: ${res.message}`);
      await waitFor(`${r.id} healthy`, async () => (await target.health(r)).level === 100, 10_000);
    }
  }
  const [webFile] = byOwner('web', 'File');
  const rendered = JSON.parse(readFileSync(join(state, 'local/instances/web-0/web.json'), 'utf8'));
  assert.equal(webFile.name, 'web-0:web.json');
  assert.deepEqual(rendered, { title: 'Boreas quickstart', instance: 'web-0', port: ports.get('web'), backend: `127.0.0.1:${ports.get('backend')}` });

  const body = (await (await fetch(`http://127.0.0.1:${ports.get('web')}/`)).json()) as {
    service: string;
    backend: { service: string; message: string; instance: string };
  };
  assert.equal(body.service, 'web');
  assert.deepEqual(
    { service: body.backend.service, message: body.backend.message, instance: body.backend.instance },
    { service: 'backend', message: 'hello from backend', instance: 'backend-0' },
  );

  // A second pass finds everything in sync.
  const observed = await target.observe(graph.resources);
  for (const o of observed) {
    const d = graph.resources.find((r) => r.id === o.id)!;
    assert.deepEqual(
      { id: o.id, exists: o.state === 'present', appliedHash: o.appliedHash, drift: o.drift },
      { id: d.id, exists: true, appliedHash: d.hash, drift: undefined },
    );
  }
});
