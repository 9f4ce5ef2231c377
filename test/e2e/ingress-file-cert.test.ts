// A `file` Certificate (certFrom/keyFrom PEMs on the controller) on the local edge, through the CLI:
// the certificate nginx serves is the one in the file (the certificate is public: it must reach the
// node intact, while the key is masked everywhere Boreas writes); a replacement nginx refuses (an
// RSA-1024 key, below OpenSSL's security level) fails the run with nginx's words and leaves the
// previous certificate served.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { createGitRepo } from '../helpers/git-repo.js';
import { runCli } from '../helpers/cli.js';
import { freePort, localEnvironmentYaml, nginxUnavailable, startNginx } from '../helpers/nginx.js';

const host = 'files.boreas.test';

/** A self-signed certificate and its key, written by openssl into `dir` as `<name>.crt`/`<name>.key`. */
function opensslCert(dir: string, name: string, key: string[]): { cert: string; key: string } {
  const files = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      ...key,
      '-nodes',
      '-keyout',
      files.key,
      '-out',
      files.cert,
      '-days',
      '30',
      '-subj',
      `/CN=${host}`,
      '-addext',
      `subjectAltName=DNS:${host}`,
    ],
    {
      stdio: 'ignore',
    },
  );
  return files;
}

/** sha256 fingerprint (lower-case hex) of the leaf certificate nginx presents for the host. */
function served(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port, servername: host, rejectUnauthorized: false }, () => {
      resolve(s.getPeerCertificate().fingerprint256.replace(/:/g, '').toLowerCase());
      s.end();
    });
    s.once('error', reject);
  });
}

const fingerprintOf = async (file: string) => new X509Certificate(await readFile(file)).fingerprint256.replace(/:/g, '').toLowerCase();

test('a file certificate is served as it is in the file; one nginx refuses fails the run and the previous one stays served', {
  timeout: 180_000,
}, async (t) => {
  const why = nginxUnavailable();
  if (why) return t.skip(why);
  const nginx = await startNginx();
  const repo = await createGitRepo();
  const dir = await mkdtemp(join(tmpdir(), 'boreas-file-cert-'));
  const state = join(dir, 'state', 'state.db');
  const cli = (...args: string[]) => runCli([...args, '--state', state], { timeoutMs: 120_000 });
  t.after(async () => {
    await cli('down').catch(() => undefined);
    await nginx.stop();
    await repo.cleanup();
    await rm(dir, { recursive: true, force: true });
  });
  const good = opensslCert(dir, 'good', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']);
  const weak = opensslCert(dir, 'weak', ['-newkey', 'rsa:1024']);
  const port = await freePort();
  const certificate = (files: { cert: string; key: string }) =>
    `apiVersion: boreas.dev/v1\nkind: Certificate\nmetadata: {name: files-cert}\nspec:\n  domains: [${host}]\n  issuer: {file: {certFrom: {file: ${files.cert}}, keyFrom: {file: ${files.key}}}}\n`;
  await repo.write({
    'environment.yaml': localEnvironmentYaml('dev', nginx.facts),
    'servers/app.js': `import http from 'node:http';\nhttp.createServer((q, s) => s.end('ok')).listen(Number(process.env.BOREAS_PORT_HTTP), '127.0.0.1');\n`,
    'app.yaml': [
      'apiVersion: boreas.dev/v1',
      'kind: Application',
      'metadata: {name: files}',
      'spec:',
      '  environment: dev',
      '  runtime: process',
      '  process: {command: node, args: [servers/app.js]}',
      `  ports: [{name: http, port: ${port}}]`,
      '---',
      'apiVersion: boreas.dev/v1',
      'kind: Ingress',
      'metadata: {name: files}',
      'spec:',
      `  hosts: [${host}]`,
      '  tls: {certificate: files-cert}',
      '  rules: [{application: files, port: http}]',
      '',
    ].join('\n'),
    'certificate.yaml': certificate(good),
  });
  await repo.commit('files behind a file certificate');

  const first = await cli('reconcile', '--once', '--repo', repo.dir, '--timeout', '60s');
  assert.equal(first.code, 0, first.stdout + first.stderr);
  assert.equal(await served(nginx.facts.httpsPort), await fingerprintOf(good.cert), 'the certificate of the file is served');
  const deployed = await readFile(join(nginx.facts.certDir, 'files-cert.crt'), 'utf8');
  assert.equal(deployed, await readFile(good.cert, 'utf8'));
  // The key's body is in no file of the state directory.
  const keyBody = (await readFile(good.key, 'utf8')).split('\n').filter((l) => l && !l.startsWith('-----'));
  for (const f of await readdir(join(dir, 'state'))) {
    const bytes = await readFile(join(dir, 'state', f)).catch(() => Buffer.alloc(0));
    for (const line of keyBody) assert.equal(bytes.indexOf(line), -1, `key material in ${f}`);
  }

  await repo.write({ 'certificate.yaml': certificate(weak) });
  await repo.commit('a certificate nginx refuses');
  const refused = await cli('reconcile', '--once', '--repo', repo.dir, '--timeout', '60s');
  assert.equal(refused.code, 1, refused.stdout + refused.stderr);
  assert.match(refused.stdout, /Not converged/);
  assert.match(refused.stdout + refused.stderr, /local\/CertificateFiles\/files-cert: .*\[emerg\].*key too small/);
  assert.equal(await served(nginx.facts.httpsPort), await fingerprintOf(good.cert), 'the previous certificate is still served');
  const status = await cli('status');
  assert.match(status.stdout, /files-cert .*drift/);
});
