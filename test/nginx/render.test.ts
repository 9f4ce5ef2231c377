// Golden checks of the pure site renderer: what nginx will be told, line by line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderNginxSite, versionWeights, type NginxSiteInput } from '../../src/desired/ingress/nginx-render.js';
import type { NginxNodeFacts } from '../../src/model/edge-specs.js';

const facts: NginxNodeFacts = {
  httpPort: 8080,
  httpsPort: 8443,
  confDir: '/etc/nginx/conf.d',
  certDir: '/etc/nginx/certs',
  webroot: '/var/www/acme',
  listenAddress: '127.0.0.1',
  testCommand: ['nginx', '-t'],
  reloadCommand: ['nginx', '-s', 'reload'],
};

const ep = (node: string, host: string, port: number, version = 'v1', healthy = true) => ({ node, host, port, version, healthy });

function site(overrides: Partial<NginxSiteInput> = {}): NginxSiteInput {
  return {
    marker: 'm1',
    site: 'shop',
    hosts: ['shop.example.com'],
    rules: [
      { path: '/', application: 'web', port: 'http' },
      { path: '/api/', application: 'api', port: 'http' },
    ],
    backends: [
      { application: 'web', port: 'http', endpoints: [ep('node-b', '10.0.0.2', 8000), ep('node-a', '10.0.0.9', 8001), ep('node-a', '10.0.0.9', 8000)] },
      { application: 'api', port: 'http', endpoints: [ep('node-a', '10.0.0.1', 9000)] },
    ],
    facts,
    ...overrides,
  };
}

test('upstreams list healthy endpoints sorted by node then ip:port, one location per rule', () => {
  const out = renderNginxSite(site());
  assert.equal(
    out,
    `# Managed by boreas (Ingress/shop); changes made here are overwritten.

upstream boreas__shop__api__http {
    server 10.0.0.1:9000;
}

upstream boreas__shop__web__http {
    server 10.0.0.9:8000;
    server 10.0.0.9:8001;
    server 10.0.0.2:8000;
}

server {
    listen 127.0.0.1:8080;
    server_name shop.example.com;
    add_header X-Boreas-Config m1 always;

    location ^~ /.well-known/acme-challenge/ {
        root /var/www/acme;
        default_type text/plain;
        try_files $uri =404;
    }

    location / {
        proxy_pass http://boreas__shop__web__http;
        proxy_http_version 1.1;
        proxy_set_header Host $host;
        proxy_set_header Connection "";
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header X-Forwarded-Host $host;
    }

    location /api/ {
        proxy_pass http://boreas__shop__api__http;
        proxy_http_version 1.1;
        proxy_set_header Host $host;
        proxy_set_header Connection "";
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header X-Forwarded-Host $host;
    }
}
`,
  );
});

test('input order of endpoints does not change the output (stable render = no reload)', () => {
  const a = renderNginxSite(site());
  const shuffled = site();
  shuffled.backends[0].endpoints.reverse();
  shuffled.backends.reverse();
  assert.equal(renderNginxSite(shuffled), a);
});

test('unhealthy endpoints are left out; none healthy renders return 503 and no upstream', () => {
  const input = site();
  input.backends[0].endpoints = [ep('node-a', '10.0.0.9', 8000, 'v1', false), ep('node-b', '10.0.0.2', 8000)];
  input.backends[1].endpoints = [ep('node-a', '10.0.0.1', 9000, 'v1', false)];
  const out = renderNginxSite(input);
  assert.match(out, /upstream boreas__shop__web__http \{\n {4}server 10\.0\.0\.2:8000;\n\}/);
  assert.doesNotMatch(out, /10\.0\.0\.9/);
  assert.doesNotMatch(out, /upstream boreas__shop__api__http/);
  assert.match(out, /location \/api\/ \{\n {8}# no healthy endpoint of api:http\n {8}return 503;\n {4}\}/);
});

test('weights follow Release percents per version when several versions are healthy', () => {
  const input = site();
  input.backends[0] = {
    application: 'web',
    port: 'http',
    versionPercents: { v1: 90, v2: 10 },
    endpoints: [ep('a', '10.0.0.1', 80, 'v1'), ep('b', '10.0.0.2', 80, 'v1'), ep('c', '10.0.0.3', 80, 'v1'), ep('d', '10.0.0.4', 80, 'v2')],
  };
  const out = renderNginxSite(input);
  assert.match(
    out,
    /server 10\.0\.0\.1:80 weight=3;\n {4}server 10\.0\.0\.2:80 weight=3;\n {4}server 10\.0\.0\.3:80 weight=3;\n {4}server 10\.0\.0\.4:80 weight=1;/,
  );
  // a single healthy version: plain round robin, no weights at all
  assert.deepEqual([...versionWeights([{ version: 'v1' }, { version: 'v1' }], { v1: 50, v2: 50 })], []);
  assert.deepEqual(Object.fromEntries(versionWeights([{ version: 'v1' }, { version: 'v1' }, { version: 'v2' }], { v1: 50, v2: 50 })), { v1: 1, v2: 2 });
});

test('TLS: HTTPS server with certificate paths, HTTP redirects except ACME challenges', () => {
  const out = renderNginxSite(site({ tls: { certPath: '/etc/nginx/certs/shop.crt', keyPath: '/etc/nginx/certs/shop.key' } }));
  const [http, https] = out.split('\nserver {').slice(1);
  assert.match(http, /listen 127\.0\.0\.1:8080;/);
  assert.match(http, /location \^~ \/\.well-known\/acme-challenge\/ \{\n {8}root \/var\/www\/acme;/);
  assert.match(http, /location \/ \{\n {8}return 308 https:\/\/\$host:8443\$request_uri;\n {4}\}/);
  assert.doesNotMatch(http, /proxy_pass/);
  assert.match(
    https,
    /listen 127\.0\.0\.1:8443 ssl;\n {4}server_name shop\.example\.com;\n {4}ssl_certificate \/etc\/nginx\/certs\/shop\.crt;\n {4}ssl_certificate_key \/etc\/nginx\/certs\/shop\.key;/,
  );
  assert.match(https, /location \/api\/ \{\n {8}proxy_pass http:\/\/boreas__shop__api__http;/);
  assert.doesNotMatch(https, /acme-challenge/);

  const plain = renderNginxSite(site({ tls: { certPath: '/c.crt', keyPath: '/c.key', redirectHttp: false } }));
  assert.match(plain.split('\nserver {')[1], /proxy_pass http:\/\/boreas__shop__web__http;/);
  const std = renderNginxSite(site({ facts: { ...facts, httpsPort: 443, listenAddress: undefined }, tls: { certPath: '/c.crt', keyPath: '/c.key' } }));
  assert.match(std, /return 308 https:\/\/\$host\$request_uri;/);
  assert.match(std, /listen 443 ssl;/);
});

test('values that could break out of a directive are quoted or refused', () => {
  const quoted = renderNginxSite(site({ rules: [{ path: '/a b;}"x', application: 'web', port: 'http' }] }));
  assert.match(quoted, /location "\/a b;}\\"x" \{/);
  assert.throws(() => renderNginxSite(site({ hosts: ['evil.com; include /etc/passwd'] as [string] })), /invalid host name/);
  assert.throws(() => renderNginxSite(site({ rules: [{ path: '/x\n}', application: 'web', port: 'http' }] })), /control character/);
  const input = site();
  input.backends[0].endpoints = [ep('a', '10.0.0.1;evil', 80)];
  assert.throws(() => renderNginxSite(input), /invalid upstream host/);
});
