// A fault-injecting HTTP proxy in front of a real `boreas agent`: the controller talks to the proxy as
// if it were the node, and the proxy passes every request through to the agent unless a fault is set
// for its path. It makes the misbehaviour of a broken node (an answer that never comes, a body cut
// short, an answer that leaves resources out) reproducible, which stopping the agent cannot do at a
// chosen moment. Listens on 127.0.0.1, on a port the OS picks; `close()` stops it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the proxy does to a request whose path matches:
 * - `hold`: forwards it to the agent (the agent does the work) and never answers;
 * - `invalid-json`: forwards it and answers the first half of the agent's body;
 * - `drop-observations`: forwards it and answers with an empty `observations` list;
 * - `not-a-result`: answers 200 with a JSON object that is no task result, without forwarding.
 */
export type Fault = 'hold' | 'invalid-json' | 'drop-observations' | 'not-a-result';

export interface FaultProxy {
  /** `host:port` to put in a Node's `spec.address`. */
  address: string;
  /** Sets (or clears, with undefined) the fault for paths matching `path`. */
  set(fault: Fault | undefined, path?: RegExp): void;
  /** How many requests matched the fault so far. */
  hits(): number;
  close(): Promise<void>;
}

export async function startFaultProxy(agentUrl: string): Promise<FaultProxy> {
  let rule: { fault: Fault; path: RegExp } | undefined;
  let hits = 0;
  const held = new Set<ServerResponse>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const fault = rule?.path.test(req.url ?? '') ? rule.fault : undefined;
      if (fault) hits++;
      if (fault === 'not-a-result') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ accepted: true }));
        return;
      }
      try {
        const upstream = await fetch(agentUrl + req.url, {
          method: req.method,
          headers: {
            ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
            ...(req.headers['content-type'] ? { 'content-type': req.headers['content-type'] } : {}),
          },
          ...(req.method === 'POST' ? { body: Buffer.concat(chunks) } : {}),
        });
        let text = await upstream.text();
        if (fault === 'hold') {
          held.add(res);
          return;
        }
        if (fault === 'invalid-json') text = text.slice(0, Math.floor(text.length / 2));
        if (fault === 'drop-observations') text = JSON.stringify({ ...JSON.parse(text), observations: [] });
        res.writeHead(upstream.status, { 'content-type': 'application/json' });
        res.end(text);
      } catch (err) {
        res.writeHead(599);
        res.end(String(err));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    set(fault, path = /./) {
      rule = fault ? { fault, path } : undefined;
    },
    hits: () => hits,
    close: async () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
