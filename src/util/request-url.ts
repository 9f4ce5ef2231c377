// The request target of an incoming HTTP request, checked once at the door of both servers (agent and
// daemon): a target that is not an absolute path, or whose percent-encoding is malformed, is the
// client's mistake (400), never an exception deep in a route (500).

/** The parsed target, or undefined when it is malformed. `pathname` stays percent-encoded. */
export function parseRequestTarget(raw: string | undefined): URL | undefined {
  const target = raw ?? '/';
  if (!target.startsWith('/')) return undefined;
  let url: URL;
  try {
    // Prefixing a fixed origin keeps `//host/x` a path instead of a scheme-relative URL.
    url = new URL(`http://request.invalid${target}`);
  } catch {
    return undefined;
  }
  try {
    decodeURIComponent(url.pathname);
    decodeURIComponent(url.search.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
  return url;
}

/** Settings both servers apply so a slow or idle client cannot hold a connection open for long. */
export const httpServerTimeouts = {
  /** Whole header block within this time (slowloris). */
  headersTimeout: 10_000,
  /** Whole request (headers and body) within this time; answering may take longer. */
  requestTimeout: 60_000,
  /** How often Node checks the two limits above (its default, 30 s, would stretch them). */
  connectionsCheckingInterval: 1_000,
} as const;
