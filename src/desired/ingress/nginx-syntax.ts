// Defensive quoting for values placed into nginx config. Hosts and paths are validated by the
// schemas before they get here; this keeps a value that slipped through from ending a directive
// or a block (`;`, `{`, `}`, quotes, newlines) and turning into config of its own.

const bare = /^[A-Za-z0-9._~/*:-]+$/;

/** A single nginx token: bare when harmless, else double-quoted with escapes. */
export function token(value: string): string {
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new Error(`nginx: control character in ${JSON.stringify(value)}`);
  if (value !== '' && bare.test(value)) return value;
  return '"' + value.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

/** A server_name entry (host or `*.domain`); anything else is refused rather than escaped. */
export function serverName(host: string): string {
  if (!/^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(host)) {
    throw new Error(`nginx: invalid host name ${JSON.stringify(host)}`);
  }
  return host;
}

/** An identifier usable as an upstream name (letters, digits, underscore). */
export function identifier(...parts: string[]): string {
  return parts.map((p) => p.replace(/[^A-Za-z0-9]/g, '_')).join('__');
}

/** host:port for `server` lines; IPv6 literals get brackets. */
export function hostPort(host: string, port: number): string {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`nginx: invalid port ${port}`);
  if (!/^[A-Za-z0-9.:_-]+$/.test(host)) throw new Error(`nginx: invalid upstream host ${JSON.stringify(host)}`);
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The address part of a `listen` directive. */
export function listen(address: string | undefined, port: number): string {
  return address ? hostPort(address, port) : String(port);
}
