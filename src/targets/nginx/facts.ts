// Node-local nginx facts. They are agent settings (--nginx-conf-dir, --nginx-http-port, ...) that the
// agent reports to the controller, so the controller can render a site for exactly that node.
import { posix } from 'node:path';

export interface NginxNodeFacts {
  /** Plain HTTP port (redirects and ACME http-01 challenges). */
  httpPort: number;
  /** TLS port. */
  httpsPort: number;
  /** Directory nginx includes `*.conf` from; sites are written as `<confDir>/boreas-<site>.conf`. */
  confDir: string;
  /** Directory certificates and keys are written to. */
  certDir: string;
  /** Root served at `/.well-known/acme-challenge/` on HTTP (ACME http-01 tokens live below it). */
  webroot: string;
  /** Address nginx listens on; undefined = every address (`listen 80`). */
  listenAddress?: string;
  /** Config test command as argv (default `nginx -t`). */
  testCommand: string[];
  /** Reload command as argv (default `nginx -s reload`). */
  reloadCommand: string[];
}

/** Defaults of `boreas agent` when no --nginx-* flag is given. */
export const defaultNginxFacts: NginxNodeFacts = {
  httpPort: 80,
  httpsPort: 443,
  confDir: '/etc/nginx/conf.d',
  certDir: '/etc/nginx/boreas-certs',
  webroot: '/var/lib/boreas/acme-webroot',
  testCommand: ['nginx', '-t'],
  reloadCommand: ['nginx', '-s', 'reload'],
};

/** Where a site's config file lives on a node. */
export function sitePath(facts: NginxNodeFacts, site: string): string {
  return posix.join(facts.confDir, `boreas-${safeFileName(site)}.conf`);
}

/** Where a certificate and its key live on a node. */
export function certificatePaths(facts: NginxNodeFacts, certificate: string): { certPath: string; keyPath: string } {
  const base = safeFileName(certificate);
  return { certPath: posix.join(facts.certDir, `${base}.crt`), keyPath: posix.join(facts.certDir, `${base}.key`) };
}

/** Manifest names are DNS labels already; this keeps a bad one from escaping the directory anyway. */
function safeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
}
