// The `local` edge as the engine sees it: nginx facts of this machine (BOREAS_NGINX_*, documented in
// targets/local/nginx.ts and examples/ingress/README.md) and an ACME http-01 publisher writing into
// this machine's webroot. Used by the edge stage whenever the caller supplies nothing else, so
// `plan`, `reconcile --once` and the daemon render local sites the same way.
import type { ManifestSet } from '../manifests/model.js';
import { ingressEdges } from '../desired/ingress.js';
import { webrootChallengePublisher, type ChallengePublisher } from '../targets/certificates/index.js';
import { defaultNginxFacts, type NginxNodeFacts } from '../targets/nginx/facts.js';
import { localNginxFacts } from '../targets/local/nginx.js';

/** Facts of the local nginx, read from the environment once per call. */
export function localEdgeFacts(env: NodeJS.ProcessEnv = process.env): NginxNodeFacts {
  return localNginxFacts(env);
}

/**
 * Node facts: `local` from the environment, other nodes from what their agents reported (kept in
 * the store by the agent target), else the agent defaults.
 */
export function edgeNodeFacts(reported: (node: string) => NginxNodeFacts | undefined, env: NodeJS.ProcessEnv = process.env): (node: string) => NginxNodeFacts {
  let local: NginxNodeFacts | undefined;
  return (node) => (node === 'local' ? (local ??= localEdgeFacts(env)) : (reported(node) ?? defaultNginxFacts));
}

/**
 * http-01 publisher for the local webroot when some Ingress is served by this machine; undefined
 * otherwise (remote edges publish through their agents).
 */
export function localChallengePublisher(manifests: ManifestSet, env: NodeJS.ProcessEnv = process.env): ChallengePublisher | undefined {
  const servedHere = [...manifests.ingresses.values()].some((l) => ingressEdges(l.manifest, manifests).some((e) => e.node === 'local'));
  return servedHere ? webrootChallengePublisher([localEdgeFacts(env).webroot]) : undefined;
}
