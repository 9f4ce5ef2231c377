// The wire: HTTP requests to one cluster with the kubeconfig's TLS and credentials, JSON in and out,
// nothing in between that could drop or rename a field (the typed models of client-node did).
// client-node still resolves the kubeconfig (exec plugins, token files, client certificates) through
// `applyToHTTPSOptions`; the request itself goes through undici with a timeout and the caller's
// AbortSignal on every call. Watches are streams on their own connections, so a long watch never
// holds a connection that a request is waiting for. As client-go does, an answer asking to come back
// (429, or 5xx with Retry-After) is asked again after the time it names, and a read whose connection
// closed before the answer is read again: one blip of a busy API server must not make a whole
// cluster Unknown (docs/design.md, Kubernetes: Wire).
import type { RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { Agent, type Dispatcher, ProxyAgent, request } from 'undici';
import { sleep } from '../../util/sleep.js';
import { UserError } from '../../model/errors.js';
import { KubeApiError, KubeTransportError } from './errors.js';

export interface HttpOptions {
  /** Per-request limit (connect, headers and body); default REQUEST_TIMEOUT_MS. */
  timeoutMs: number;
  /** Cancels every request in flight and every later one (the run's signal). */
  signal?: AbortSignal;
}

export interface CallOptions {
  query?: Record<string, string | undefined>;
  body?: unknown;
  contentType?: string;
  /** Cancels this request (in addition to the client's signal and timeout). */
  signal?: AbortSignal;
}

export interface Answer {
  status: number;
  json: unknown;
  /** `Warning` headers (e.g. unknown fields dropped by a server without strict validation). */
  warnings: string[];
}

/** One cluster endpoint: base URL, TLS agent, credentials per request. */
export class KubeHttp {
  private readonly base: string;
  private dispatcher: Dispatcher | undefined;
  private streams: Dispatcher | undefined;

  constructor(
    private readonly kc: KubeConfig,
    private readonly opts: HttpOptions,
  ) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new UserError('the kubeconfig has no current cluster');
    this.base = cluster.server.replace(/\/+$/, '');
  }

  /** Sends one request (again, when the server asks to or a read lost its connection); non-2xx answers throw KubeApiError with the server's Status. */
  async call(method: string, path: string, o: CallOptions = {}): Promise<Answer> {
    for (let retry = 0; ; retry++) {
      try {
        return await this.callOnce(method, path, o);
      } catch (err) {
        const delayMs = retryDelayMs(err, method, retry);
        if (delayMs === undefined) throw err;
        const signals = [...(this.opts.signal ? [this.opts.signal] : []), ...(o.signal ? [o.signal] : [])];
        if (!(await sleep(delayMs, signals.length ? AbortSignal.any(signals) : undefined))) throw err;
      }
    }
  }

  private async callOnce(method: string, path: string, o: CallOptions): Promise<Answer> {
    const { headers, dispatcher } = await this.credentials();
    const url = new URL(this.base + path);
    for (const [k, v] of Object.entries(o.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const signals = [AbortSignal.timeout(this.opts.timeoutMs), ...(this.opts.signal ? [this.opts.signal] : []), ...(o.signal ? [o.signal] : [])];
    const signal = AbortSignal.any(signals);
    if (o.body !== undefined) headers['content-type'] = o.contentType ?? 'application/json';
    headers.accept = 'application/json';
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method: method as Dispatcher.HttpMethod,
        headers,
        body: o.body === undefined ? undefined : JSON.stringify(o.body),
        dispatcher,
        signal,
        headersTimeout: this.opts.timeoutMs,
        bodyTimeout: this.opts.timeoutMs,
      });
    } catch (err) {
      throw this.transportError(err, method, url, signal);
    }
    let text: string;
    try {
      text = await res.body.text();
    } catch (err) {
      throw this.transportError(err, method, url, signal);
    }
    const json = parseJson(text);
    const warnings = [res.headers.warning ?? []].flat().map((w) =>
      String(w)
        .replace(/^\d{3} \S+ /, '')
        .replace(/^"|"$/g, ''),
    );
    if (res.statusCode >= 200 && res.statusCode < 300) {
      // A proxy's page or a cut-off body is no answer of the API: never read as "no objects".
      if (json === undefined && (text !== '' || method === 'GET'))
        throw new KubeTransportError(`${method} ${url.pathname}: the answer (${res.statusCode}) is not JSON${text ? `: ${oneLine(text)}` : ''}`);
      return { status: res.statusCode, json, warnings };
    }
    const status = (json ?? {}) as { reason?: string; message?: string; details?: KubeApiError['details'] };
    const retryAfter = Number(res.headers['retry-after']);
    throw new KubeApiError(
      res.statusCode,
      status.reason ?? '',
      status.message ?? (oneLine(text) || `HTTP ${res.statusCode}`),
      status.details,
      Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined,
    );
  }

  /**
   * A streaming GET (a watch): each newline-terminated line of the body goes to `onLine` until the
   * server ends the stream (its `timeoutSeconds`) or `signal` aborts (then it resolves quietly). The
   * answer's headers must come within the request timeout; between events the stream may be quiet
   * for up to `timeoutSeconds` plus a margin. Non-2xx answers throw KubeApiError.
   */
  async stream(path: string, query: Record<string, string | undefined>, onLine: (line: string) => void, signal: AbortSignal): Promise<void> {
    const { headers } = await this.credentials();
    this.streams ??= this.makeDispatcher(await this.tlsOptions(), null);
    const url = new URL(this.base + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
    headers.accept = 'application/json';
    const quietMs = (Number(query.timeoutSeconds ?? 300) + 30) * 1000;
    const all = AbortSignal.any([signal, ...(this.opts.signal ? [this.opts.signal] : [])]);
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, { method: 'GET', headers, dispatcher: this.streams, signal: all, headersTimeout: this.opts.timeoutMs, bodyTimeout: quietMs });
    } catch (err) {
      if (all.aborted) return;
      throw this.transportError(err, 'GET', url, all);
    }
    if (res.statusCode < 200 || res.statusCode >= 300) {
      const text = await res.body.text().catch(() => '');
      const status = (parseJson(text) ?? {}) as { reason?: string; message?: string; details?: KubeApiError['details'] };
      throw new KubeApiError(res.statusCode, status.reason ?? '', status.message ?? (oneLine(text) || `HTTP ${res.statusCode}`), status.details);
    }
    const chunks = res.body[Symbol.asyncIterator]();
    let rest = '';
    try {
      for (;;) {
        let next: IteratorResult<Buffer>;
        try {
          next = await chunks.next();
        } catch (err) {
          if (all.aborted) return;
          throw this.transportError(err, 'GET', url, all);
        }
        if (next.done) break;
        rest += next.value.toString();
        // what onLine throws ends the stream and reaches the caller as it is
        for (let nl = rest.indexOf('\n'); nl >= 0; nl = rest.indexOf('\n')) {
          const line = rest.slice(0, nl).trim();
          rest = rest.slice(nl + 1);
          if (line) onLine(line);
        }
      }
      if (rest.trim()) onLine(rest.trim());
    } finally {
      res.body.destroy();
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.dispatcher?.close(), this.streams?.destroy()]);
  }

  /** TLS material of the kubeconfig (client certificates, CA), as client-node resolves it. */
  private async tlsOptions(): Promise<RequestOptions> {
    const o: RequestOptions = { headers: {} };
    try {
      await this.kc.applyToHTTPSOptions(o);
    } catch (err) {
      throw new UserError(`kubeconfig credentials cannot be used: ${(err as Error).message.split('\n')[0]}`);
    }
    return o;
  }

  /** Auth headers are resolved per request (exec plugins and token files rotate); TLS once. */
  private async credentials(): Promise<{ headers: Record<string, string>; dispatcher: Dispatcher }> {
    const o = await this.tlsOptions();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(o.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = String(v);
    if (o.auth) headers.authorization = `Basic ${Buffer.from(o.auth).toString('base64')}`;
    this.dispatcher ??= this.makeDispatcher(o);
    return { headers, dispatcher: this.dispatcher };
  }

  /** `connections`: per origin; null = unlimited (watch streams, one per watched collection). */
  private makeDispatcher(o: RequestOptions, connections: number | null = 16): Dispatcher {
    const cluster = this.kc.getCurrentCluster()!;
    const tls = {
      ca: o.ca as string | Buffer | undefined,
      cert: o.cert as string | Buffer | undefined,
      key: o.key as string | Buffer | undefined,
      rejectUnauthorized: cluster.skipTLSVerify ? false : o.rejectUnauthorized,
      servername: cluster.tlsServerName,
    };
    if (cluster.proxyUrl) {
      if (!/^https?:/.test(cluster.proxyUrl)) throw new UserError(`proxy-url ${cluster.proxyUrl}: only http(s) proxies are supported`);
      return new ProxyAgent({ uri: cluster.proxyUrl, requestTls: tls });
    }
    return new Agent({ connect: tls, connections });
  }

  private transportError(err: unknown, method: string, url: URL, signal: AbortSignal): Error {
    if (err instanceof UserError) return err;
    const where = `${method} ${url.pathname}`;
    if (signal.aborted) {
      const timedOut = (signal.reason as Error | undefined)?.name === 'TimeoutError';
      return new KubeTransportError(timedOut ? `${where}: no answer within ${this.opts.timeoutMs / 1000}s` : `${where}: cancelled`);
    }
    const e = err as Error & { code?: string; cause?: { code?: string; message?: string } };
    const code = e.cause?.code ?? e.code;
    const closed = code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE';
    return new KubeTransportError(`${where}: ${code ? `${code} ` : ''}${e.cause?.message ?? e.message}`.trim(), closed);
  }
}

/** Retries of one request before its error is the answer. */
const MAX_RETRIES = 3;
/** The longest Retry-After honoured; a longer one is waited for this long. */
const MAX_RETRY_AFTER_MS = 10_000;

/** How long to wait before asking again, or undefined when `err` is the answer. */
function retryDelayMs(err: unknown, method: string, retry: number): number | undefined {
  if (retry >= MAX_RETRIES) return undefined;
  if (err instanceof KubeApiError && (err.code === 429 || (err.code >= 500 && err.retryAfter !== undefined)))
    return Math.min(MAX_RETRY_AFTER_MS, Math.max(100, (err.retryAfter ?? 1) * 1000));
  // A read only: a write whose connection closed may have been done (the engine decides about those).
  if (err instanceof KubeTransportError && err.closed && method === 'GET') return 100 * 2 ** retry;
  return undefined;
}

/** A body that is not a Status (an HTML error page of a proxy) as one short line of its text. */
function oneLine(text: string): string {
  const plain = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > 200 ? `${plain.slice(0, 200)}…` : plain;
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
