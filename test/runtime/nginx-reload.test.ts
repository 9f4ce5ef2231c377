// A reload returns only once nginx's old workers stopped accepting (src/runtime/nginx/reload.ts),
// against a real nginx: with its old worker frozen (SIGSTOP), so that it cannot handle the master's
// quit signal, the reload keeps waiting; once the worker runs again and lets go of its listening
// socket, the reload returns, and from then on every fresh connection gets the new config.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { reloadNginx } from '../../src/runtime/nginx/reload.js';
import { nginxUnavailable, startNginx } from '../helpers/nginx.js';

const host = 'gen.boreas.test';

function site(port: number, generation: string): string {
  return `server {\n    listen 127.0.0.1:${port};\n    server_name ${host};\n    location / { return 200 "${generation}"; }\n}\n`;
}

/** The body a fresh connection gets for the site. */
function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', headers: { host }, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
  });
}

/** The children of nginx's master: its workers of this moment. */
function workersOf(master: number): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === master;
      } catch {
        return false;
      }
    })
    .map(Number);
}

test('an nginx reload returns only once the old workers stopped accepting; then only the new config answers', { timeout: 60_000 }, async (t) => {
  const why = nginxUnavailable();
  if (why) return t.skip(why);
  const nginx = await startNginx();
  const port = nginx.facts.httpPort;
  const frozen: number[] = [];
  t.after(async () => {
    for (const pid of frozen) process.kill(pid, 'SIGCONT');
    await nginx.stop();
  });
  await mkdir(nginx.facts.confDir, { recursive: true });
  await writeFile(join(nginx.facts.confDir, 'gen.conf'), site(port, 'gen-1'));
  assert.equal((await reloadNginx(nginx.facts.reloadCommand, [port])).code, 0);
  await nginx.waitForReloads(1);
  assert.equal(await get(port), 'gen-1');

  const master = Number(readFileSync(join(nginx.dir, 'nginx.pid'), 'utf8').trim());
  const old = workersOf(master);
  assert.ok(old.length > 0, 'nginx runs workers');
  for (const pid of old) {
    process.kill(pid, 'SIGSTOP');
    frozen.push(pid);
  }
  await writeFile(join(nginx.facts.confDir, 'gen.conf'), site(port, 'gen-2'));
  let returned = false;
  const reload = reloadNginx(nginx.facts.reloadCommand, [port]).then((r) => {
    returned = true;
    return r;
  });
  // The master starts new workers meanwhile, but the frozen old one still holds the socket.
  for (let i = 0; i < 200 && !workersOf(master).some((pid) => !old.includes(pid)); i++) await sleep(10);
  assert.ok(
    workersOf(master).some((pid) => !old.includes(pid)),
    'the master started workers of the new generation',
  );
  await sleep(300);
  assert.equal(returned, false, 'the reload returned while an old worker could still accept connections');

  for (const pid of frozen.splice(0)) process.kill(pid, 'SIGCONT');
  assert.equal((await reload).code, 0);
  const bodies = new Set<string>();
  for (let i = 0; i < 20; i++) bodies.add(await get(port));
  assert.deepEqual(bodies, new Set(['gen-2']));
});
