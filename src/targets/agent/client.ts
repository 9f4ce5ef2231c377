// HTTP client of one node agent: an undici Pool per node (keep-alive, bounded connections), request
// timeouts, and retries with exponential backoff on connection-level errors only. Retrying is safe
// because every task carries its idempotency key and observe is read-only. The bearer token is sent
// in a header and never appears in errors or logs.
import { Pool } from 'undici';

export interface AgentClientOptions {
  /** Connections kept per node. Default 4. */
  connections?: number;
  /** Connect timeout. Default 3 s. */
  connectTimeoutMs?: number;
  /** Time to wait for response headers/body (tasks may run long). Default 120 s. */
  requestTimeoutMs?: number;
  /** Retries after the first attempt on connection errors. Default 2. */
  retries?: number;
  /** First backoff delay; doubled per retry. Default 100 ms. */
  backoffMs?: number;
}

/** The node could not be reached at all (refused, reset, timed out): it counts as offline. */
export class AgentUnreachable extends Error {
  constructor(
    readonly node: string,
    message: string,
  ) {
    super(message);
    this.name = 'AgentUnreachable';
  }
}

/** The agent answered with an error status. */
export class AgentHttpError extends Error {
  constructor(
    readonly node: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'AgentHttpError';
  }
}

const connectionErrors = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_HEADERS_TIMEOUT',
]);

export class AgentClient {
  private readonly pool: Pool;

  constructor(
    readonly node: string,
    readonly origin: string,
    private readonly token: string,
    private readonly opts: AgentClientOptions = {},
  ) {
    this.pool = new Pool(origin, {
      connections: opts.connections ?? 4,
      connect: { timeout: opts.connectTimeoutMs ?? 3000 },
      keepAliveTimeout: 30_000,
      headersTimeout: opts.requestTimeoutMs ?? 120_000,
      bodyTimeout: opts.requestTimeoutMs ?? 120_000,
    });
  }

  /** POSTs JSON and returns the parsed 2xx body; throws AgentUnreachable or AgentHttpError. */
  async post<T>(path: string, body: unknown): Promise<T> {
    const payload = JSON.stringify(body);
    const retries = this.opts.retries ?? 2;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.pool.request({
          method: 'POST',
          path,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
          body: payload,
        });
        const text = await res.body.text();
        if (res.statusCode >= 200 && res.statusCode < 300) return JSON.parse(text) as T;
        let message = text;
        try {
          message = (JSON.parse(text) as { error?: string }).error ?? text;
        } catch {
          /* not JSON */
        }
        if (res.statusCode === 401) message = `agent rejected the token (401); check the Node's tokenFrom`;
        throw new AgentHttpError(this.node, res.statusCode, `node ${this.node}: ${path} answered ${res.statusCode}: ${message}`);
      } catch (err) {
        if (err instanceof AgentHttpError) throw err;
        const code = (err as { code?: string }).code ?? '';
        if (!connectionErrors.has(code)) throw new AgentUnreachable(this.node, `node ${this.node} (${this.origin}): ${(err as Error).message}`);
        if (attempt >= retries)
          throw new AgentUnreachable(this.node, `node ${this.node} (${this.origin}) is unreachable: ${code} after ${attempt + 1} attempt(s)`);
        const delay = (this.opts.backoffMs ?? 100) * 2 ** attempt * (0.75 + Math.random() * 0.5);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
