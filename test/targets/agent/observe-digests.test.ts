// Observe by digest (`POST /v1/observe-digests`, protocol/observe.ts) against a real in-process
// agent, through a recording HTTP proxy on 127.0.0.1 that can also play an older agent (the new
// route answers 404 and the facts list no features): an unchanged resource comes back as its digest
// only and the controller still reports the same observation; an edit on disk comes back in full and
// is drift; an older agent is observed through `POST /v1/observe`, also when it replaced a newer one
// between the facts and the observe; and a controller that knows nothing of digests still gets the
// whole answer from `POST /v1/observe`.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FileSpec } from '../../../src/model/machine-specs.js';
import type { FileResource } from '../../../src/model/resource.js';
import { createAgentTargetFactory, type PushNode } from '../../../src/targets/agent/index.js';
import { SharedAgentClients } from '../../../src/targets/agent/shared-clients.js';
import { hashJson, sha256 } from '../../../src/util/hash.js';
import { call, inProcessAgent } from '../../helpers/agent.js';
import { testNode, testScope, testTargetContext } from '../../helpers/targets.js';

interface Seen {
  path: string;
  status: number;
  body: string;
}

/** A forwarding proxy to `origin` that records every exchange; `old` makes it answer like an agent without observe-digests. */
async function recordingProxy(origin: string): Promise<{ url: string; seen: Seen[]; mode: { old: boolean }; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const mode = { old: false };
  const target = new URL(origin);
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (mode.old && path === '/v1/observe-digests') {
      req.resume();
      const body = JSON.stringify({ error: 'not found' });
      seen.push({ path, status: 404, body });
      res.writeHead(404, { 'content-type': 'application/json' }).end(body);
      return;
    }
    const up = request({ host: target.hostname, port: target.port, method: req.method, path, headers: req.headers }, (upRes) => {
      const chunks: Buffer[] = [];
      upRes.on('data', (c: Buffer) => chunks.push(c));
      upRes.on('end', () => {
        let body = Buffer.concat(chunks).toString('utf8');
        if (mode.old && (path === '/v1/facts' || path === '/v1/observe') && upRes.statusCode === 200) {
          const json = JSON.parse(body);
          delete (path === '/v1/facts' ? json : json.facts).features;
          body = JSON.stringify(json);
        }
        seen.push({ path, status: upRes.statusCode ?? 0, body });
        res.writeHead(upRes.statusCode ?? 502, { 'content-type': 'application/json' }).end(body);
      });
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `127.0.0.1:${port}`,
    seen,
    mode,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

function fileResource(target: string, path: string, content: string, name: string): FileResource {
  const spec: FileSpec = { app: 'web', instance: 'web-0', path, mode: '0644', content };
  return { id: `${target}/File/web-0/${name}`, target, kind: 'File', owner: 'web', environment: 'digests', name, spec, hash: hashJson(spec), dependsOn: [] };
}

test('observe by digest: unchanged answers are digests, edits come in full, older agents are asked in full', async (t) => {
  const { agent, dirs, stop } = await inProcessAgent('digest-1');
  t.after(stop);
  const proxy = await recordingProxy(agent.url);
  t.after(proxy.close);
  const clients = new SharedAgentClients<PushNode>();
  t.after(() => clients.close());
  const factory = createAgentTargetFactory({ clients, retries: 0 });
  const scope = testScope({ nodes: [testNode('digest-1', { address: proxy.url, tokenFrom: { file: dirs.tokenFile } })] });
  const files = ['a.conf', 'b.conf'].map((name) => {
    const path = join(dirs.allowedRoot, name);
    writeFileSync(path, `${name} content\n`, { mode: 0o644 });
    return fileResource('agent:digest-1', path, `${name} content\n`, name);
  });
  // One "reconcile": a fresh target over the shared client, probed then observed, then closed.
  const resync = async () => {
    const target = await factory.create('agent:digest-1', testTargetContext(), scope);
    try {
      assert.equal((await target.probe()).reachable, true);
      return await target.observe(files);
    } finally {
      await target.close?.();
    }
  };
  const lastAnswer = (path: string) => JSON.parse(proxy.seen.filter((s) => s.path === path).at(-1)!.body);

  const first = await resync();
  assert.deepEqual(
    first.map((o) => [o.state, o.health.status]),
    [
      ['present', 'Healthy'],
      ['present', 'Healthy'],
    ],
  );
  assert.equal(
    lastAnswer('/v1/observe-digests').observations.filter((a: { observation?: unknown }) => a.observation).length,
    2,
    'nothing known yet: all in full',
  );

  const second = await resync();
  assert.deepEqual(second, first, 'the same observations, from the digests');
  const digestsOnly = lastAnswer('/v1/observe-digests').observations;
  assert.deepEqual(
    digestsOnly.map((a: { digest: string; observation?: unknown }) => Object.keys(a)),
    [['digest'], ['digest']],
    'unchanged: the node sent digests only',
  );
  assert.equal(digestsOnly[0].digest, hashJson(first[0]), 'the digest is sha256 of the canonical JSON of the observation');

  // Someone edits b.conf on the node: it comes back in full, with the drift.
  writeFileSync(files[1].spec.path, 'edited behind our back\n');
  const third = await resync();
  assert.equal(third[0], second[0], 'a.conf unchanged: the held observation');
  assert.equal(third[1].health.status, 'Degraded');
  assert.deepEqual(third[1].drift, [`${files[1].spec.path} was edited on disk`]);
  assert.deepEqual(
    lastAnswer('/v1/observe-digests').observations.map((a: { observation?: unknown }) => !!a.observation),
    [false, true],
  );

  // The node is now an older agent (no features, no route): observed through /v1/observe, same verdicts.
  proxy.mode.old = true;
  const fromOld = await resync();
  assert.deepEqual(fromOld, third);
  assert.equal(proxy.seen.at(-1)!.path, '/v1/observe');
  assert.equal(lastAnswer('/v1/observe').observations.length, 2);

  // Back to a new agent, then replaced by an old one between the facts and the observe: the 404 of
  // the new route falls back to /v1/observe within the same call.
  proxy.mode.old = false;
  await resync();
  const target = await factory.create('agent:digest-1', testTargetContext(), scope);
  assert.equal((await target.probe()).reachable, true);
  proxy.mode.old = true;
  const afterSwap = await target.observe(files);
  await target.close?.();
  assert.deepEqual(afterSwap, third);
  assert.deepEqual(
    proxy.seen.slice(-2).map((s) => [s.path, s.status]),
    [
      ['/v1/observe-digests', 404],
      ['/v1/observe', 200],
    ],
  );

  // A controller that knows nothing of digests: /v1/observe on the new agent answers in full.
  const plain = await call(agent.url, dirs.token, 'POST', '/v1/observe', {
    resources: files.map((f) => ({ id: f.id, kind: 'File', hash: f.hash, locator: { path: f.spec.path, contentHash: sha256(f.spec.content), mode: 0o644 } })),
  });
  assert.equal(plain.status, 200);
  assert.deepEqual(
    plain.json.observations.map((o: { id: string; state: string }) => [o.id, o.state]),
    files.map((f) => [f.id, 'present']),
  );
  assert.ok(plain.json.facts.features.includes('observe-digests'), 'the new agent offers the feature in its facts');
});
