// Quickstart backend: answers JSON on / and /healthz. Plain node:http, no dependencies.
// Boreas passes the port as BOREAS_PORT_HTTP (or use --port).
import http from 'node:http';

const argPort = process.argv.indexOf('--port');
const port = Number(argPort > 0 ? process.argv[argPort + 1] : process.env.BOREAS_PORT_HTTP || 18081);
const started = new Date().toISOString();

const server = http.createServer((req, res) => {
  const body = req.url === '/healthz'
    ? { status: 'ok' }
    : {
        service: 'backend',
        message: process.env.GREETING || 'hello',
        instance: process.env.BOREAS_INSTANCE || 'backend',
        version: process.env.BOREAS_VERSION || 'dev',
        started,
      };
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body) + '\n');
});

server.listen(port, '127.0.0.1', () => console.log(`backend listening on 127.0.0.1:${port}`));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
