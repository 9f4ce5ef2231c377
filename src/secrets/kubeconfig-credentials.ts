// What of a kubeconfig is secret: its users' credentials (tokens, passwords, client keys, the
// token-like settings of an auth provider), not the document. A kubeconfig resolved through
// `kubeconfigFrom` registered whole would register each of its lines for redaction too (a value's
// lines are masked where they stand alone, util/redact.ts), and lines such as `apiVersion: v1`,
// `kind: Config` or `    namespace: default` then masked every Kubernetes diff, message and stored
// rendered text that holds them.
import { parse } from 'yaml';

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Fields of `users[].user` whose values are credentials. */
const credentialFields = ['token', 'password', 'client-key-data'];
/** Auth-provider settings that are credentials (`access-token`, `refresh-token`, `client-secret`, `id-token`). */
const providerSecret = /token|secret|password|key/i;

/**
 * The credentials of `value` when it is a kubeconfig document (`kind: Config`, or `clusters` and
 * `users` lists); undefined when it is not one (then the whole value is the secret).
 */
export function kubeconfigCredentials(value: string): string[] | undefined {
  if (!value.includes('\n')) return undefined; // one line: a token, a path, not a document
  let doc: unknown;
  try {
    doc = parse(value);
  } catch {
    return undefined;
  }
  if (!isObj(doc) || !(doc.kind === 'Config' || (Array.isArray(doc.clusters) && Array.isArray(doc.users)))) return undefined;
  const out: string[] = [];
  for (const entry of Array.isArray(doc.users) ? doc.users : []) {
    const user = isObj(entry) ? entry.user : undefined;
    if (!isObj(user)) continue;
    for (const f of credentialFields) if (typeof user[f] === 'string') out.push(user[f]);
    const provider = isObj(user['auth-provider']) ? user['auth-provider'].config : undefined;
    if (isObj(provider)) for (const [k, v] of Object.entries(provider)) if (providerSecret.test(k) && typeof v === 'string') out.push(v);
  }
  return out;
}
