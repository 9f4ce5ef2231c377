// acme issuer: acme-client on the controller. The account key lives in the state store (kv `acme`,
// sealed like certificate keys); http-01 tokens are published through callbacks the caller provides
// (the edge targets serving the certificate's hosts write `<webroot>/.well-known/acme-challenge/<token>`); dns-01 runs the
// configured hook as argv: `hook add|remove <domain> <record-name> <value>`.
import type { ClientRequest, IncomingMessage } from 'node:http';
import { get as httpGet } from 'node:http';
import { Agent, get as httpsGet } from 'node:https';
import { rootCertificates } from 'node:tls';
import acme from 'acme-client';
import type { CertificateSpec } from '../../model/edge-specs.js';
import { UserError } from '../../model/errors.js';
import { runCommand } from '../../runtime/nginx/command.js';
import { seal, unseal, type CertStoreOptions, type KvStore } from './cert-store.js';
import type { IssuedPem } from './self-signed.js';

/** Where http-01 key authorizations are made reachable at `/.well-known/acme-challenge/<token>`. */
export interface ChallengePublisher {
  publishChallenge(token: string, content: string): Promise<void>;
  removeChallenge(token: string): Promise<void>;
}

export interface AcmeOptions extends CertStoreOptions {
  store: KvStore;
  challenges?: ChallengePublisher;
  /** Extra CA (PEM) trusted for the ACME directory, e.g. pebble's listener certificate in tests. */
  directoryCaPem?: string;
}

interface StoredAccount {
  key: ReturnType<typeof seal>;
  url?: string;
}

/** Issues a certificate for the Certificate's domains from its ACME directory. */
export async function issueAcme(cert: CertificateSpec, opts: AcmeOptions): Promise<IssuedPem> {
  const spec = cert.issuer.acme!;
  const where = `Certificate/${cert.name}`;
  const challenge = spec.challenge ?? 'http-01';
  if (challenge === 'http-01' && !opts.challenges) throw new UserError(`${where}: http-01 needs edge nodes serving the ACME webroot`);
  if (challenge === 'dns-01' && !spec.dnsHook) throw new UserError(`${where}: dns-01 needs issuer.acme.dnsHook`);
  // acme-client shares one axios instance; the extra CA is set on it for this directory.
  const agent = opts.directoryCaPem ? new Agent({ ca: [...rootCertificates, opts.directoryCaPem] }) : undefined;
  acme.axios.defaults.httpsAgent = agent;
  await checkDirectory(where, spec.directory, agent);

  const accountKv = `account:${spec.directory}:${spec.email}`;
  const stored = await opts.store.getKv('acme', accountKv);
  const account: StoredAccount = stored ? JSON.parse(stored) : { key: seal((await acme.crypto.createPrivateEcdsaKey()).toString(), opts) };
  const client = new acme.Client({ directoryUrl: spec.directory, accountKey: unseal(account.key, opts), accountUrl: account.url });

  const [key, csr] = await acme.crypto.createCsr({ commonName: cert.domains[0], altNames: cert.domains }, await acme.crypto.createPrivateEcdsaKey());
  const domainOf = (authz: { identifier: { value: string } }) => authz.identifier.value;
  let pem: string;
  try {
    pem = await client.auto({
      csr,
      email: spec.email,
      termsOfServiceAgreed: true,
      // The controller cannot resolve/reach the edge the way the CA does; the CA checks for real.
      skipChallengeVerification: true,
      challengePriority: [challenge],
      challengeCreateFn: async (authz, ch, keyAuthorization) => {
        if (ch.type === 'http-01') await opts.challenges!.publishChallenge((ch as { token: string }).token, keyAuthorization);
        else if (ch.type === 'dns-01') await dnsHook(spec.dnsHook!, 'add', domainOf(authz), keyAuthorization);
      },
      challengeRemoveFn: async (authz, ch, keyAuthorization) => {
        if (ch.type === 'http-01') await opts.challenges!.removeChallenge((ch as { token: string }).token);
        else if (ch.type === 'dns-01') await dnsHook(spec.dnsHook!, 'remove', domainOf(authz), keyAuthorization);
      },
    });
  } catch (err) {
    // acme-client, after retrying a request that got no answer, reads the response it never got.
    const message = err instanceof TypeError ? 'the ACME server stopped answering (no response after retries)' : (err as Error).message;
    throw new UserError(`${where}: ACME issuance from ${spec.directory} failed: ${message}`, 1);
  }
  if (!stored || !account.url) await opts.store.setKv('acme', accountKv, JSON.stringify({ key: account.key, url: client.getAccountUrl() }));
  return { certPem: pem, keyPem: key.toString() };
}

/** How long the directory has to answer before issuance is given up (a CA that is down, a wrong URL). */
const directoryTimeoutMs = 10_000;

/**
 * Fetches the directory once before acme-client does: acme-client retries a request that got no
 * answer five times over 75 s (past the run's --timeout) and then fails with a TypeError of its own
 * ("Cannot read properties of undefined (reading 'config')"). A CA that refuses connections, an
 * unknown host or a listener that does not speak TLS fails here at once, with the cause.
 */
function checkDirectory(where: string, directory: string, agent: Agent | undefined): Promise<void> {
  const fail = (why: string) => new UserError(`${where}: ACME directory ${directory} cannot be reached: ${why}`, 1);
  return new Promise((resolve, reject) => {
    let req: ClientRequest;
    try {
      const onResponse = (res: IncomingMessage) => {
        res.resume();
        const status = res.statusCode ?? 0;
        // 5xx and 429 are left to acme-client's retries (the CA is there, just busy).
        if (status >= 400 && status < 500 && status !== 429) reject(fail(`HTTP ${status}`));
        else resolve();
      };
      req = directory.startsWith('https:')
        ? httpsGet(directory, { agent, timeout: directoryTimeoutMs }, onResponse)
        : httpGet(directory, { timeout: directoryTimeoutMs }, onResponse);
    } catch (err) {
      return reject(fail((err as Error).message));
    }
    req.on('timeout', () => req.destroy(new Error(`no answer within ${directoryTimeoutMs / 1000} s`)));
    req.on('error', (err: NodeJS.ErrnoException) => reject(fail(err.code && !err.message.includes(err.code) ? `${err.code}: ${err.message}` : err.message)));
  });
}

async function dnsHook(hook: string[], action: 'add' | 'remove', domain: string, value: string): Promise<void> {
  const r = await runCommand([...hook, action, domain, `_acme-challenge.${domain}`, value], 120_000);
  if (r.code !== 0) throw new Error(`dnsHook ${action} ${domain} failed (exit ${r.code}): ${r.output.trim()}`);
}
