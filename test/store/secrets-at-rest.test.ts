// The state file never holds a Kubernetes Secret's values in clear, whichever table they pass through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/store/index.js';
import type { DesiredResource } from '../../src/model/resource.js';
import { hashJson } from '../../src/util/hash.js';

test('Secret data is stored as digests in the inventory and in desired snapshots', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'boreas-secret-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'state.db');
  const spec = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db', namespace: 'shop' },
    stringData: { password: 'correct-horse-battery' },
    data: { token: 'c2VjcmV0LXRva2VuLXZhbHVl' },
  };
  const secret: DesiredResource = {
    id: 'kubernetes:prod/KubeObject/v1/Secret/shop/db',
    target: 'kubernetes:prod',
    kind: 'KubeObject',
    owner: 'api',
    environment: 'prod',
    name: 'Secret/shop/db',
    spec,
    hash: hashJson(spec),
    dependsOn: [],
    rendered: { 'Secret/shop/db': 'stringData: {password: correct-horse-battery}' },
  };
  const store = openSqliteStore(file);
  await store.recordApplied(secret, 'key-1', 'rev-1');
  await store.saveDesired('rev-1', [secret]);
  const [item] = await store.listInventory();
  assert.equal(item.appliedHash, secret.hash, 'the real hash is kept, so an unchanged Secret is still in sync');
  assert.equal(item.resource.redacted, true);
  assert.match(JSON.stringify(item.resource.spec), /\(redacted\)/);
  assert.equal((await store.loadDesired('rev-1'))![0].redacted, true);
  await store.close();
  for (const f of [file, `${file}-wal`]) {
    let bytes = '';
    try {
      bytes = readFileSync(f).toString('latin1');
    } catch {
      continue;
    }
    assert.ok(!bytes.includes('correct-horse-battery'), `${f} holds the password in clear`);
    assert.ok(!bytes.includes('c2VjcmV0LXRva2VuLXZhbHVl'), `${f} holds the token in clear`);
  }
});
