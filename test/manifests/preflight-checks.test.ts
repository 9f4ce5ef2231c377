// The semantic checks that stand between Git and the first side effect: ports per machine including
// replica slots, environment variable names, NUL bytes, the command line + environment size, and the
// total number of instances. Pure functions over documents, so each rule is pinned down here; the CLI
// path (file:line:col, exit codes, nothing started) is test/e2e/verdicts/preflight.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_EXEC_BYTES, MAX_INSTANCES } from '../../src/manifests/limits.js';
import type { Application, Environment, Node, Release } from '../../src/manifests/model.js';
import { checkSemantics, type ManifestDoc } from '../../src/manifests/semantic/index.js';

let line = 0;
const ref = (file = 'm.yaml') => ({ file, docIndex: 0, line: ++line, col: 1 });
const envDoc = (name: string, spec: Environment['spec']): ManifestDoc<Environment> => ({
  kind: 'Environment',
  name,
  ref: ref(),
  manifest: { apiVersion: 'boreas.dev/v1', kind: 'Environment', metadata: { name }, spec },
});
const nodeDoc = (name: string, labels: Record<string, string> = {}, cordoned = false): ManifestDoc<Node> => ({
  kind: 'Node',
  name,
  ref: ref(),
  manifest: { apiVersion: 'boreas.dev/v1', kind: 'Node', metadata: { name, labels }, spec: { address: `10.0.0.1:8081`, tokenFrom: { env: 'T' }, cordoned } },
});
const appDoc = (name: string, spec: Partial<Application['spec']>): ManifestDoc<Application> => ({
  kind: 'Application',
  name,
  ref: ref(`${name}.yaml`),
  manifest: {
    apiVersion: 'boreas.dev/v1',
    kind: 'Application',
    metadata: { name },
    spec: { environment: 'dev', runtime: 'process', process: { command: '/bin/x' }, ...spec },
  },
});
const local = envDoc('dev', { type: 'local' });
const messages = (docs: ManifestDoc[]) => checkSemantics(docs).map((f) => `${f.manifest} ${f.path.join('.')}: ${f.message}`);

test('ports on this machine: replica slots count, overlaps are reported once at the later manifest', () => {
  const found = messages([
    local,
    appDoc('a', { replicas: 3, ports: [{ name: 'http', port: 8080 }] }),
    appDoc('b', { ports: [{ name: 'web', port: 8082 }] }),
    appDoc('c', { ports: [{ name: 'web', port: 8083 }] }),
  ]);
  assert.equal(found.length, 1, found.join('\n'));
  assert.match(
    found[0],
    /^Application\/b spec\.ports\.0\.port: port "web" 8082 overlaps port "http" 8080-8082 \(3 instances per machine\) of Application\/a on this machine \(a\.yaml:\d+\)/,
  );
});

test('ports: another protocol, a Stopped or a Kubernetes application claim nothing of each other', () => {
  const found = messages([
    local,
    envDoc('k8s', { type: 'kubernetes', kubernetes: { namespace: 'x' } }),
    appDoc('a', { ports: [{ name: 'dns', port: 53, protocol: 'udp' }] }),
    appDoc('b', { ports: [{ name: 'dns', port: 53 }] }),
    appDoc('c', { state: 'Stopped', ports: [{ name: 'dns', port: 53 }] }),
    appDoc('d', { environment: 'k8s', runtime: 'kubernetes', kubernetes: { path: 'k8s' }, ports: [{ name: 'dns', port: 53 }] }),
  ]);
  assert.deepEqual(found, []);
});

test('ports within one application: two named ports whose slot ranges overlap', () => {
  const found = messages([
    local,
    appDoc('a', {
      replicas: 2,
      ports: [
        { name: 'http', port: 9000 },
        { name: 'admin', port: 9001 },
      ],
    }),
  ]);
  assert.deepEqual(found.length, 1);
  assert.match(
    found[0],
    /spec\.ports\.1\.port: port "admin" 9001-9002 \(2 instances per machine\) overlaps port "http" 9000-9001 \(2 instances per machine\) on this machine/,
  );
});

test('ports on pm nodes: only applications that can share a node clash; maxPerNode sets the slots', () => {
  const pm = envDoc('prod', { type: 'pm', nodeSelector: { pool: 'a' } });
  const nodes = [nodeDoc('n1', { pool: 'a', zone: 'x' }), nodeDoc('n2', { pool: 'a', zone: 'y' }), nodeDoc('n3', { pool: 'a', zone: 'z' }, true)];
  const onZone = (zone: string) => ({ environment: 'prod', placement: { nodeSelector: { zone } } });
  assert.deepEqual(
    messages([
      pm,
      ...nodes,
      appDoc('a', { ...onZone('x'), ports: [{ name: 'p', port: 7000 }] }),
      appDoc('b', { ...onZone('y'), ports: [{ name: 'p', port: 7000 }] }),
    ]),
    [],
    'disjoint nodes',
  );
  assert.deepEqual(
    messages([
      pm,
      ...nodes,
      appDoc('a', { ...onZone('z'), ports: [{ name: 'p', port: 7000 }] }),
      appDoc('b', { environment: 'prod', ports: [{ name: 'p', port: 7000 }] }),
    ]),
    [],
    'a cordoned node gets no instance',
  );
  const found = messages([
    pm,
    ...nodes,
    appDoc('a', { environment: 'prod', replicas: 4, placement: { maxPerNode: 2 }, ports: [{ name: 'p', port: 7000 }] }),
    appDoc('b', { ...onZone('y'), ports: [{ name: 'p', port: 7001 }] }),
  ]);
  assert.equal(found.length, 1, found.join('\n'));
  assert.match(
    found[0],
    /^Application\/b spec\.ports\.0\.port: port "p" 7001 overlaps port "p" 7000-7001 \(2 instances per machine\) of Application\/a on node "n2"/,
  );
});

test('ports: a slot range past 65535, and the nginx declared for this machine', () => {
  const edge = envDoc('edge', { type: 'local', nginx: { confDir: '/etc/nginx/conf.d', httpPort: 8088 } });
  const found = messages([
    local,
    edge,
    appDoc('a', { replicas: 10, ports: [{ name: 'http', port: 65530 }] }),
    appDoc('b', { ports: [{ name: 'http', port: 8088 }] }),
  ]);
  assert.equal(found.length, 2, found.join('\n'));
  assert.match(found[0], /^Application\/a spec\.ports\.0\.port: port 65530 with 10 instances on one machine needs ports 65530-65539, beyond 65535/);
  assert.match(found[1], /^Application\/b spec\.ports\.0\.port: port "http" 8088 overlaps the nginx HTTP port 8088 of Environment\/edge on this machine/);
});

test('many applications on distinct ports: no finding', () => {
  const apps = Array.from({ length: 2000 }, (_, i) => appDoc(`app-${i}`, { ports: [{ name: 'http', port: 10000 + i }] }));
  assert.deepEqual(messages([local, ...apps]), []);
});

test('environment variable names and NUL bytes anywhere in a manifest', () => {
  const found = messages([
    local,
    appDoc('a', {
      process: { command: '/bin/x', args: ['ok', 'bad\0arg'] },
      env: { 'A=B': 'x', '1ST': 'y', _OK: 'z', GOOD: 'a\0b' },
      files: [{ path: '/etc/a\0b', content: 'c\0d' }],
    }),
  ]);
  assert.deepEqual(found, [
    'Application/a spec.process.args.1: value contains a NUL byte (\\0), which no argument, environment value, path or file can carry',
    'Application/a spec.env.GOOD: value contains a NUL byte (\\0), which no argument, environment value, path or file can carry',
    'Application/a spec.files.0.path: value contains a NUL byte (\\0), which no argument, environment value, path or file can carry',
    'Application/a spec.files.0.content: value contains a NUL byte (\\0), which no argument, environment value, path or file can carry',
    'Application/a spec.env.A=B: environment variable name "A=B" must match ^[A-Za-z_][A-Za-z0-9_]*$ (letters, digits and _, not starting with a digit)',
    'Application/a spec.env.1ST: environment variable name "1ST" must match ^[A-Za-z_][A-Za-z0-9_]*$ (letters, digits and _, not starting with a digit)',
  ]);
});

test('command line + environment over MAX_EXEC_BYTES, in the application and in a Release version', () => {
  const half = 'x'.repeat(MAX_EXEC_BYTES / 2);
  const fits = messages([local, appDoc('a', { process: { command: '/bin/x', args: ['y'.repeat(MAX_EXEC_BYTES / 2 - 100)] } })]);
  assert.deepEqual(fits, []);
  const release: ManifestDoc<Release> = {
    kind: 'Release',
    name: 'b',
    ref: ref(),
    manifest: {
      apiVersion: 'boreas.dev/v1',
      kind: 'Release',
      metadata: { name: 'b' },
      spec: { application: 'b', versions: [{ version: 'v1', percent: 100, process: { command: '/bin/x', args: [half, half] } }] },
    },
  };
  const found = messages([local, appDoc('a', { env: { BIG: half }, process: { command: '/bin/x', args: [half] } }), appDoc('b', {}), release]);
  assert.equal(found.length, 2, found.join('\n'));
  assert.match(found[0], /^Application\/a spec\.process\.args: command line and environment take 128\.0 KiB \(arguments 64\.0 KiB, environment 64\.0 KiB\)/);
  assert.match(found[0], /at most 128 KiB can be passed to a command on every machine/);
  assert.match(found[1], /^Release\/b spec\.versions\.0\.process\.args: command line and environment take/);
});

test(`a revision asks for at most ${MAX_INSTANCES} machine instances`, () => {
  const apps = Array.from({ length: 11 }, (_, i) => appDoc(`many-${i}`, { replicas: 10_000, ports: [] }));
  const found = messages([local, ...apps]);
  assert.equal(found.length, 1, found.join('\n'));
  assert.match(found[0], new RegExp(`^Application/many-10 spec\\.replicas: this revision asks for more than ${MAX_INSTANCES} machine instances`));
});
