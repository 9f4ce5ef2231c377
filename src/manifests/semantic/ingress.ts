// Ingress checks that need several manifests at once: the TLS certificate covers every host, and no
// two Ingresses claim the same host and path on the same edge node (nginx would pick one silently).
import type { Ingress } from '../model.js';
import { finding, type Finding, type ManifestDoc, type ManifestIndex } from './types.js';

/**
 * True when a certificate domain covers a host, the one rule Boreas uses (DNS names compare
 * case-insensitively; `*.example.com` covers exactly one more label).
 */
export function domainCovers(domain: string, host: string): boolean {
  const d = domain.toLowerCase();
  const h = host.toLowerCase();
  if (d === h) return true;
  if (!d.startsWith('*.')) return false;
  const suffix = d.slice(1); // ".example.com"
  if (!h.endsWith(suffix)) return false;
  const label = h.slice(0, -suffix.length);
  return label.length > 0 && !label.includes('.') && label !== '*';
}

/** Edge nodes of an Ingress, as the desired stage resolves them: nodes, else selector, else local. */
export function ingressNodeNames(ingress: Ingress, index: ManifestIndex): string[] {
  const { nodes, nodeSelector } = ingress.spec;
  if (!nodes && !nodeSelector) return ['local'];
  const picked: string[] = [];
  for (const n of index.nodes.values()) {
    if (nodes && !nodes.includes(n.name)) continue;
    if (nodeSelector && !Object.entries(nodeSelector).every(([k, v]) => n.manifest.metadata.labels?.[k] === v)) continue;
    picked.push(n.name);
  }
  return picked;
}

/** ingressNodeNames, computed once per distinct (nodes, nodeSelector): Ingresses mostly share a few. */
function memoizedEdges(index: ManifestIndex): (ingress: Ingress) => Set<string> {
  const memo = new Map<string, Set<string>>();
  return (ingress) => {
    const key = JSON.stringify([ingress.spec.nodes ?? null, ingress.spec.nodeSelector ?? null]);
    let nodes = memo.get(key);
    if (!nodes) memo.set(key, (nodes = new Set(ingressNodeNames(ingress, index))));
    return nodes;
  };
}

export function checkIngresses(index: ManifestIndex): Finding[] {
  const out: Finding[] = [];
  // An Ingress served by this machine needs its nginx declared in Git, never guessed from the shell.
  const localEdge = [...index.environments.values()].some((d) => d.manifest.spec.type === 'local' && d.manifest.spec.nginx);
  for (const doc of index.ingresses.values()) {
    if (localEdge || doc.manifest.spec.nodes || doc.manifest.spec.nodeSelector) continue;
    out.push(
      finding(
        doc,
        ['spec'],
        'served by the nginx on this machine (no nodes or nodeSelector), but no local Environment declares it: add spec.nginx {confDir, certDir, webroot, httpPort, httpsPort, listen, testCommand, reloadCommand} to a type local Environment, or name edge nodes',
      ),
    );
  }
  for (const doc of index.ingresses.values()) {
    const certName = doc.manifest.spec.tls?.certificate;
    const cert = certName ? index.certificates.get(certName) : undefined;
    if (!cert) continue;
    doc.manifest.spec.hosts.forEach((host, i) => {
      if (!cert.manifest.spec.domains.some((d) => domainCovers(d, host))) {
        out.push(
          finding(doc, ['spec', 'hosts', i], `host "${host}" is not covered by Certificate "${cert.name}" (domains: ${cert.manifest.spec.domains.join(', ')})`),
        );
      }
    });
  }
  // Group by host+path first: only Ingresses sharing one can conflict, so node sets are compared
  // for those few pairs instead of expanding every (node, host, path) of every Ingress.
  const claims = new Map<string, { doc: ManifestDoc<Ingress>; nodes: Set<string> }[]>();
  const edges = memoizedEdges(index);
  const ordered = [...index.ingresses.values()].sort((a, b) => (a.ref.file < b.ref.file ? -1 : a.ref.file > b.ref.file ? 1 : a.ref.line - b.ref.line));
  for (const doc of ordered) {
    const nodes = edges(doc.manifest);
    const reported = new Set<string>();
    doc.manifest.spec.hosts.forEach((host, hostIndex) => {
      for (const rule of doc.manifest.spec.rules) {
        const path = rule.path ?? '/';
        const key = `${host}\0${path}`;
        const prior = claims.get(key) ?? [];
        const clash = prior.find((p) => p.doc !== doc && [...nodes].some((n) => p.nodes.has(n)));
        if (clash && !reported.has(key)) {
          reported.add(key);
          const node = [...nodes].find((n) => clash.nodes.has(n));
          out.push(
            finding(
              doc,
              ['spec', 'hosts', hostIndex],
              `host "${host}" path "${path}" on node "${node}" is already served by Ingress "${clash.doc.name}" (${clash.doc.ref.file}:${clash.doc.ref.line})`,
            ),
          );
        }
        if (!prior.some((p) => p.doc === doc)) claims.set(key, [...prior, { doc, nodes }]);
      }
    });
  }
  return out;
}
