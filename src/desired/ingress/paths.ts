// Where a site and a certificate land on an edge node, from that node's nginx settings.
import { posix } from 'node:path';
import type { NginxNodeFacts } from '../../model/edge-specs.js';

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
