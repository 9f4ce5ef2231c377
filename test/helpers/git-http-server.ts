// A real Git smart-HTTP server for tests: `git http-backend` run as CGI behind node's http server on
// 127.0.0.1 (port chosen by the OS). Clients (isomorphic-git, the git CLI) talk to it exactly as
// they talk to a forge, so clone/fetch/push are tested over the real protocol.
//
//   const server = await startGitHttpServer(bareReposRoot);           // serves every repo under it
//   const url = `${server.url}/repo.git`;                              // git clone <url> works
//   t.after(() => server.close());
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the server answered, for tests that assert what went over the wire. */
export interface GitHttpRequest {
  method: string;
  /** Path and query, e.g. `/repo.git/info/refs?service=git-upload-pack`. */
  url: string;
  status: number;
}

export interface GitHttpServerOptions {
  /** Accept pushes (`git config http.receivepack true` for every served repo). Default false. */
  receivePack?: boolean;
  /** Require HTTP basic auth with these credentials (401 otherwise), like a private forge repo. */
  auth?: { username: string; password: string };
}

export interface GitHttpServer {
  /** Base URL, `http://127.0.0.1:<port>`; a repo at `<projectRoot>/x.git` is `<url>/x.git`. */
  url: string;
  /** Every request answered so far, in order. */
  requests: GitHttpRequest[];
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/** Serves every git repository under `projectRoot` (bare repos, or work trees by their `.git`). */
export async function startGitHttpServer(projectRoot: string, opts: GitHttpServerOptions = {}): Promise<GitHttpServer> {
  const requests: GitHttpRequest[] = [];
  const server = createServer((req, res) => {
    if (opts.auth && !authorized(req, opts.auth)) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"', 'Content-Type': 'text/plain' });
      res.end('authentication required\n');
      requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', status: 401 });
      return;
    }
    runBackend(projectRoot, opts, req, res, (status) => requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', status }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function authorized(req: IncomingMessage, auth: { username: string; password: string }): boolean {
  const expected = 'Basic ' + Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
  return req.headers.authorization === expected;
}

/** The CGI/1.1 environment for one request; request headers become HTTP_* variables. */
function cgiEnv(projectRoot: string, opts: GitHttpServerOptions, req: IncomingMessage): NodeJS.ProcessEnv {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GIT_PROJECT_ROOT: projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    CONTENT_TYPE: req.headers['content-type'] ?? '',
  };
  // Without a length (chunked requests, as the git CLI sends large ones) http-backend reads to EOF.
  if (req.headers['content-length']) env.CONTENT_LENGTH = req.headers['content-length'];
  // HTTP_CONTENT_ENCODING=gzip makes http-backend inflate the body itself; HTTP_GIT_PROTOCOL
  // carries protocol v2 negotiation. Passing all headers is what a CGI server does.
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === 'content-type' || name === 'content-length' || name === 'authorization') continue;
    env[`HTTP_${name.toUpperCase().replace(/-/g, '_')}`] = Array.isArray(value) ? value.join(', ') : value;
  }
  if (opts.auth) env.REMOTE_USER = opts.auth.username;
  if (opts.receivePack) {
    env.GIT_CONFIG_COUNT = '1';
    env.GIT_CONFIG_KEY_0 = 'http.receivepack';
    env.GIT_CONFIG_VALUE_0 = 'true';
  }
  return env;
}

function runBackend(projectRoot: string, opts: GitHttpServerOptions, req: IncomingMessage, res: ServerResponse, done: (status: number) => void): void {
  const child = spawn('git', ['http-backend'], { env: cgiEnv(projectRoot, opts, req), stdio: ['pipe', 'pipe', 'pipe'] });
  req.pipe(child.stdin); // streamed: a large pack never sits in memory here
  child.stdin.on('error', () => {}); // the backend may exit before reading everything (errors)
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));

  let head = Buffer.alloc(0);
  let headersSent = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersSent) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = headerEnd(head);
    if (!end) return;
    const status = writeCgiHead(res, head.subarray(0, end.at).toString('latin1'));
    done(status);
    headersSent = true;
    const rest = head.subarray(end.at + end.length);
    if (rest.length) res.write(rest);
  });
  child.on('error', (err) => fail(`cannot run git http-backend: ${err.message}`));
  // A client that hangs up (or server.close()) must not leave a backend process behind.
  res.on('close', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
  });
  child.on('close', (code) => {
    if (!headersSent) return fail(`git http-backend exited ${code} without headers: ${stderr.trim()}`);
    res.end();
  });

  function fail(message: string): void {
    if (headersSent || res.headersSent) return void res.destroy();
    headersSent = true;
    done(500);
    res.writeHead(500, { 'Content-Type': 'text/plain' });
    res.end(message + '\n');
  }
}

function headerEnd(buf: Buffer): { at: number; length: number } | undefined {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { at: crlf, length: 4 };
  if (lf >= 0) return { at: lf, length: 2 };
  return undefined;
}

/** Writes the HTTP status and headers from a CGI header block (`Status: 404 Not Found` etc.). */
function writeCgiHead(res: ServerResponse, block: string): number {
  let status = 200;
  let reason: string | undefined;
  const headers: Record<string, string | string[]> = {};
  for (const line of block.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim();
    const value = line.slice(i + 1).trim();
    if (name.toLowerCase() === 'status') {
      const m = /^(\d{3})\s*(.*)$/.exec(value);
      if (m) [status, reason] = [Number(m[1]), m[2] || undefined];
    } else {
      const prev = headers[name];
      headers[name] = prev === undefined ? value : ([] as string[]).concat(prev, value);
    }
  }
  res.writeHead(status, reason, headers);
  return status;
}
