// HTTP client of one node agent: an undici Pool per node (keep-alive, bounded connections), request
// timeouts, and retries with exponential backoff on connection-level errors only. Retrying is safe
// because every task carries its idempotency key and observe is read-only. The bearer token is sent
// in a header and never appears in errors or logs.
import type { Pool } from 'undici';
import type { UnknownCause } from '../../model/resource.js';

export interface AgentClientOptions {
  /** Connections kept per node. Default 4. */
  connections?: number;
  /** Connect timeout. Default 3 s. */
  connectTimeoutMs?: number;
  /** Time to wait for a task's response headers/body (tasks may run long). Default 120 s. */
  requestTimeoutMs?: number;
  /** Time to wait for an observe or facts answer. Default 15 s. */
  readTimeoutMs?: number;
  /** Retries after the first attempt on connection errors. Default 2. */
  retries?: number;
  /** First backoff delay; doubled per retry. Default 100 ms. */
  backoffMs?: number;
}

/** The node could not be reached at all (refused, reset, timed out): its resources are Unknown. */
export class AgentUnreachable extends Error {
  constructor(
    readonly node: string,
    message: string,
    readonly timedOut = false,
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
]);
const timeoutErrors = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

/** Why a node's resources are Unknown, in one line: `node n1: unauthorized (401): token rejected`. */
export function unknownCauseOf(node: string, err: unknown): UnknownCause {
  const subject = `node ${node}`;
  if (err instanceof AgentHttpError && (err.status === 401 || err.status === 403)) {
    return { reason: 'unauthorized', subject, message: `node ${node}: unauthorized (${err.status}): the agent rejected the token of the Node's tokenFrom` };
  }
  if (err instanceof AgentUnreachable) return { reason: err.timedOut ? 'timeout' : 'unreachable', subject, message: err.message };
  // An AgentHttpError names its node already.
  if (err instanceof AgentHttpError) return { reason: 'error', subject, message: err.message };
  return { reason: 'error', subject, message: `node ${node}: ${(err as Error).message}` };
}

export class AgentClient {
  /** Created on the first request: undici is large, and the local target (this class's in-process
   *  sibling) and runs without agent nodes should not load it (start-up, issue 12). */
  private pool: Promise<Pool> | undefined;

  constructor(
    readonly node: string,
    readonly origin: string,
    private readonly token: string,
    private readonly opts: AgentClientOptions = {},
  ) {}

  private connection(): Promise<Pool> {
    this.pool ??= import('undici').then((undici) => {
      // undici is CommonJS: Node's import() offers its named exports, the bundled CLI only `default`.
      const PoolClass = undici.Pool ?? undici.default.Pool;
      return new PoolClass(this.origin, {
        connections: this.opts.connections ?? 4,
        connect: { timeout: this.opts.connectTimeoutMs ?? 3000 },
        keepAliveTimeout: 30_000,
      });
    });
    return this.pool;
  }

  /** GETs JSON (observe-like reads: the short read timeout). */
  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path, undefined, this.opts.readTimeoutMs ?? 15_000);
  }

  /**
   * POSTs JSON and returns the parsed 2xx body; throws AgentUnreachable or AgentHttpError. `signal`
   * (the run's cancellation: Ctrl-C after its grace, or `--timeout`) abandons the request at once
   * instead of waiting out the task timeout of a node that hangs.
   */
  post<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    const timeout = path === '/v1/tasks' ? (this.opts.requestTimeoutMs ?? 120_000) : (this.opts.readTimeoutMs ?? 15_000);
    return this.request<T>('POST', path, JSON.stringify(body), timeout, signal);
  }

  private async request<T>(method: 'GET' | 'POST', path: string, payload: string | undefined, timeoutMs: number, signal?: AbortSignal): Promise<T> {
    const retries = this.opts.retries ?? 2;
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw this.abandoned(path);
      try {
        const res = await (await this.connection()).request({
          method,
          path,
          headers: { ...(payload === undefined ? {} : { 'content-type': 'application/json' }), authorization: `Bearer ${this.token}` },
          body: payload,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
          ...(signal ? { signal } : {}),
        });
        const text = await res.body.text();
        if (res.statusCode >= 200 && res.statusCode < 300) return this.parse<T>(path, res.statusCode, text);
        let message = text;
        try {
          message = (JSON.parse(text) as { error?: string }).error ?? text;
        } catch {
          /* not JSON */
        }
        throw new AgentHttpError(this.node, res.statusCode, `node ${this.node}: ${path} answered ${res.statusCode}: ${message}`);
      } catch (err) {
        if (err instanceof AgentHttpError) throw err;
        if (signal?.aborted) throw this.abandoned(path);
        const code = (err as { code?: string }).code ?? '';
        if (timeoutErrors.has(code) && code !== 'UND_ERR_CONNECT_TIMEOUT' && code !== 'ETIMEDOUT') {
          throw new AgentUnreachable(
            this.node,
            `node ${this.node} (${this.origin}): timeout: no answer to ${path} within ${Math.round(timeoutMs / 1000)}s`,
            true,
          );
        }
        if (!connectionErrors.has(code)) throw new AgentUnreachable(this.node, `node ${this.node} (${this.origin}): ${(err as Error).message}`);
        if (attempt >= retries) {
          throw new AgentUnreachable(
            this.node,
            `node ${this.node} (${this.origin}) is unreachable: ${code} after ${attempt + 1} attempt(s)`,
            timeoutErrors.has(code),
          );
        }
        const delay = (this.opts.backoffMs ?? 100) * 2 ** attempt * (0.75 + Math.random() * 0.5);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /** A 2xx body as JSON; a body that is not (cut short, not the agent) is the node's error, named. */
  private parse<T>(path: string, status: number, text: string): T {
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new AgentHttpError(
        this.node,
        status,
        `node ${this.node} (${this.origin}): ${path} answered invalid JSON (${text.length} bytes): ${(err as Error).message}`,
      );
    }
  }

  /** The run gave up on a request (interrupt or deadline); the node may still finish the task. */
  private abandoned(path: string): AgentUnreachable {
    return new AgentUnreachable(this.node, `node ${this.node} (${this.origin}): ${path} abandoned: the run was interrupted or reached its --timeout`, true);
  }

  async close(): Promise<void> {
    if (this.pool) await (await this.pool).close();
  }
}
