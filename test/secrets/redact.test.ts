// Every resolved value is masked wherever text is written: whole, by NUL/newline-separated piece, and
// in the escaped spellings Node, JSON and Kubernetes (base64) print.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redact, redactDeep, REDACTED } from '../../src/util/redact.js';
import { resolveSecret } from '../../src/secrets/resolve.js';
import { resolveEnv } from '../../src/secrets/env.js';
import { DeterministicError } from '../../src/model/errors.js';
import { createLogger } from '../../src/util/logger.js';

test('a resolved NUL-containing secret is masked in a real spawn error, JSON, logs and pieces', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'boreas-redact-'));
  const file = join(dir, 'secret');
  await writeFile(file, 'NULSECRET\0tailpiece');
  const value = await resolveSecret({ file });
  // The error Node builds itself: "Received 'NULSECRET\x00tailpiece'".
  let message = '';
  try {
    spawn(process.execPath, ['-e', '0'], { env: { X: value } });
  } catch (err) {
    message = (err as Error).message;
  }
  assert.match(message, /NULSECRET\\x00tailpiece/, 'Node prints the value escaped');
  for (const text of [message, JSON.stringify({ error: value }), value, `pieces: NULSECRET and tailpiece`, Buffer.from(value).toString('base64')]) {
    const out = redact(text);
    assert.doesNotMatch(out, /NULSECRET|tailpiece|TlVMU0VDUkVU/, out);
    assert.match(out, /\*\*\*/);
  }
  assert.equal(redact('tailpieces are not pieces of it'), 'tailpieces are not pieces of it', 'a piece is masked only where it stands alone');
  assert.deepEqual(redactDeep({ details: { msg: `x NULSECRET y` } }), { details: { msg: `x ${REDACTED} y` } });
  const lines: string[] = [];
  const log = createLogger({ level: 'debug', format: 'json', stream: { write: (l: string) => lines.push(l) } as unknown as NodeJS.WritableStream });
  log.error('spawn failed', { error: message, env: value });
  assert.doesNotMatch(lines.join(''), /NULSECRET|tailpiece/);
});

test('a NUL byte in an env value is a deterministic error naming only the variable', async () => {
  await assert.rejects(
    resolveEnv({ DB: { valueFrom: { env: 'BOREAS_TEST_NUL' } } }, async () => 'abc\0def'),
    (err: Error) => err instanceof DeterministicError && err.message === 'env DB: secret value contains a NUL byte',
  );
  await assert.rejects(
    resolveEnv({ LIT: 'a\0b' }, async () => ''),
    /^SecretError: env LIT: value contains a NUL byte$/,
  );
  assert.deepEqual(await resolveEnv({ A: 'x', B: { valueFrom: { env: 'Y' } } }, async () => 'resolved'), { A: 'x', B: 'resolved' });
});

test('daemon API responses and store writes are redacted', async () => {
  const { createServer } = await import('node:http');
  const { sendJson } = await import('../../src/daemon/http/respond.js');
  const { openSqliteStore } = await import('../../src/store/index.js');
  const { registerSecret } = await import('../../src/util/redact.js');
  registerSecret('api-secret-value');
  const server = createServer((_req, res) => sendJson(res, 500, { error: 'spawn failed: api-secret-value', task: { message: 'x api-secret-value' } }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const port = (server.address() as { port: number }).port;
    const text = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    assert.doesNotMatch(text, /api-secret-value/);
    assert.match(text, /spawn failed: \*\*\*/);
  } finally {
    server.close();
  }
  const dir = await mkdtemp(join(tmpdir(), 'boreas-redact-store-'));
  const store = openSqliteStore(join(dir, 'state.db'));
  const run = await store.startRun('reconcile', 'abc');
  await store.finishRun(run, false, { failures: [{ resource: 'r', message: 'failed with api-secret-value' }] });
  await store.audit({ type: 't', subject: 's', message: 'api-secret-value leaked?' });
  assert.doesNotMatch(JSON.stringify(await store.listRuns(1)), /api-secret-value/);
  await store.close();
});

test('a secret of up to 1 MiB (the file limit) is masked too, without building an oversized regular expression', async () => {
  const { registerSecret } = await import('../../src/util/redact.js');
  // Random text, as a certificate chain or a kubeconfig is (a long run of one character would make any
  // substring search slow, and is no secret).
  const [a, b] = [randomBytes(450 * 1024).toString('base64'), randomBytes(300 * 1024).toString('hex')];
  const big = `${a}\n${b}`;
  registerSecret(big);
  const text = `start ${big} middle ${JSON.stringify(big)} ${Buffer.from(big).toString('base64')} end, and a short one: api-secret-value`;
  const out = redact(text);
  for (const piece of [a.slice(0, 64), b.slice(-64), Buffer.from(big).toString('base64').slice(100, 164)])
    assert.ok(!out.includes(piece), 'every spelling of the long value is masked');
  assert.match(out, /^start \*\*\* middle "\*\*\*" \*\*\* end/);
  assert.equal(redact('quiz zoo'), 'quiz zoo');
});

test('a secret inside a longer base64 text, or URL-encoded, is masked too', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'boreas-redact-'));
  const file = join(dir, 'secret');
  const value = `S3CR3T/${randomBytes(6).toString('hex')}+=&?`;
  await writeFile(file, value);
  await resolveSecret({ file });
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  // `echo "$TOKEN" | base64` (a newline after it), basic auth (`user:TOKEN`), one and two bytes before it.
  for (const encoded of [b64(`${value}\n`), b64(`user:${value}`), b64(`a${value}`), b64(`ab${value}xyz`)]) {
    const out = redact(`stderr: ${encoded}`);
    assert.ok(out.includes(REDACTED), `not masked: ${out}`);
    // What is left around the mask decodes to none of the value: at most 2 of its bytes at each end.
    const left = out.slice('stderr: '.length).split(REDACTED);
    for (const part of left) assert.ok(!Buffer.from(part, 'base64').toString('latin1').includes(value.slice(2, -2)), `${part} still spells it`);
  }
  const url = `https://127.0.0.1/cb?token=${encodeURIComponent(value)}&x=1`;
  assert.equal(redact(url), `https://127.0.0.1/cb?token=${REDACTED}&x=1`);
  assert.equal(redact('plain base64 text: aGVsbG8gd29ybGQ='), 'plain base64 text: aGVsbG8gd29ybGQ=');
});
