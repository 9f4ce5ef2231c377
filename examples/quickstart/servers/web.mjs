// Quickstart web front end: reads its JSON config (rendered by Boreas from a template holding the
// backend's endpoint), and on / fetches the backend and returns both. Plain node:http, no dependencies.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const argConfig = process.argv.indexOf('--config');
const configPath = resolve(argConfig > 0 ? process.argv[argConfig + 1] : 'web.json');
const config = JSON.parse(readFileSync(configPath, 'utf8'));
const port = Number(process.env.BOREAS_PORT_HTTP || config.port || 18080);
const backend = String(config.backend || '').split(',').filter(Boolean);

function fetchBackend() {
  return new Promise((resolveBody) => {
    if (backend.length === 0) return resolveBody({ error: 'no backend endpoint configured' });
    const req = http.get(`http://${backend[0]}/`, { timeout: 2000 }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (data += c));
      res.on('end', () => {
        try {
          resolveBody(JSON.parse(data));
        } catch {
          resolveBody({ error: `backend answered non-JSON (HTTP ${res.statusCode})` });
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolveBody({ error: `backend ${backend[0]}: ${err.message}` }));
  });
}

const server = http.createServer(async (req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify({ status: 'ok' }) + '\n');
  }
  const fromBackend = await fetchBackend();
  res.writeHead(fromBackend.error ? 502 : 200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ service: 'web', title: config.title, instance: config.instance, backendEndpoints: backend, backend: fromBackend }) + '\n');
});

server.listen(port, '127.0.0.1', () => console.log(`web listening on 127.0.0.1:${port} (backend ${backend.join(',') || 'none'}, config ${configPath})`));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
