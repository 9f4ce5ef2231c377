// Specs of the edge resources (nginx sites and the certificate files they use) and of the
// certificates the controller issues. Key material never enters a spec: at apply time the target
// loads certificate and key for (certificate, version) from the state store.
import type { Certificate, Environment } from './manifest-types.generated.js';

/** The issuer block of a Certificate manifest. */
export type CertificateIssuer = Certificate['spec']['issuer'];

/**
 * What the edge of a node looks like to the controller: the nginx settings sites are rendered for.
 * An agent reports its own (its --nginx-* flags); this machine's come from the Environment manifest.
 */
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
  /** Config test command as argv. */
  testCommand: string[];
  /** Reload command as argv. */
  reloadCommand: string[];
}

/** How the edge checks that a deployed site is live: a request with the site's Host (and SNI). */
export interface NginxSiteProbe {
  /** Host header / SNI name. */
  host: string;
  /** Request path (the first rule's path). */
  path: string;
  tls: boolean;
  /** Value of the X-Boreas-Config header the rendered site answers with: proves this config is the live one. */
  marker: string;
  /** Whether at least one upstream endpoint is expected healthy: then a 502/503/504 is unhealthy. */
  expectBackend: boolean;
}

/** spec of a DesiredResource of kind `NginxSite`. */
export interface NginxSiteSpec {
  siteName: string;
  /** Node the site is served on (`local` for this machine). */
  node: string;
  targetPath: string;
  content: string;
  probe: NginxSiteProbe;
}

/** spec of a DesiredResource of kind `CertificateFiles`: one issued version deployed on one edge node. */
export interface CertificateFilesSpec {
  certificate: string;
  /** Node the files are deployed on (`local` for this machine). */
  node: string;
  /** Issued version; 0 while the certificate has not been issued yet (the files then wait for it). */
  version: number;
  /** sha256 of the leaf DER (hex); compared with what the node serves for drift. */
  fingerprint: string;
  certPath: string;
  keyPath: string;
}

/** spec of a DesiredResource of kind `Certificate`: issued and renewed by the controller. */
export interface CertificateSpec {
  name: string;
  domains: string[];
  issuer: CertificateIssuer;
  renewBeforeDays: number;
  /** Edge targets that must answer the ACME http-01 challenge for these domains. */
  challengeTargets: string[];
}

/** The nginx settings a node agent uses when none are given (its --nginx-* defaults). */
export const defaultNginxFacts: NginxNodeFacts = {
  httpPort: 80,
  httpsPort: 443,
  confDir: '/etc/nginx/conf.d',
  certDir: '/etc/nginx/boreas-certs',
  webroot: '/var/lib/boreas/acme-webroot',
  testCommand: ['nginx', '-t'],
  reloadCommand: ['nginx', '-s', 'reload'],
};

/** The `spec.nginx` block of a local Environment: the edge on this machine, declared in Git. */
export type LocalNginxSpec = NonNullable<Environment['spec']['nginx']>;

/** This machine's edge facts from its Environment's `spec.nginx`, defaults filled in. */
export function nginxFactsOf(spec: LocalNginxSpec): NginxNodeFacts {
  return {
    confDir: spec.confDir,
    certDir: spec.certDir ?? defaultNginxFacts.certDir,
    webroot: spec.webroot ?? defaultNginxFacts.webroot,
    httpPort: spec.httpPort ?? defaultNginxFacts.httpPort,
    httpsPort: spec.httpsPort ?? defaultNginxFacts.httpsPort,
    ...(spec.listen ? { listenAddress: spec.listen } : {}),
    testCommand: spec.testCommand ?? defaultNginxFacts.testCommand,
    reloadCommand: spec.reloadCommand ?? defaultNginxFacts.reloadCommand,
  };
}
