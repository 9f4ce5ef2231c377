// Ingress example backend: answers / with its instance name and /healthz with ok.
// Boreas passes the port as BOREAS_PORT_HTTP and the instance name as BOREAS_INSTANCE.
import http from 'node:http';

const port = Number(process.env.BOREAS_PORT_HTTP || 18090);
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(req.url === '/healthz' ? 'ok\n' : `hello from ${process.env.BOREAS_INSTANCE || 'web'} via ${req.headers['x-forwarded-proto'] || 'direct'}\n`);
});
server.listen(port, '127.0.0.1', () => console.log(`web listening on 127.0.0.1:${port}`));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
