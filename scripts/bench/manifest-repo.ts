// Generates a valid manifests repository of n files (mixed kinds, realistic sizes) for benchmarks.
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes n single-document manifests under dir: Environments, Nodes, Applications, Releases,
 *  Ingresses and Certificates that reference each other correctly (the repo validates). */
export function generateManifestRepo(dir: string, n: number): void {
  const write = (path: string, text: string) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
    // Dated an hour back, like a checkout made earlier: files modified within the last seconds are
    // deliberately re-hashed by the worktree stat cache ("racy git"), which is not the case measured.
    utimesSync(join(dir, path), past, past);
  };
  const past = new Date(Date.now() - 3600_000);
  const nodes = Math.max(4, Math.floor(n * 0.05));
  const certs = Math.floor(n * 0.05);
  const ingresses = certs;
  const releases = Math.floor(n * 0.15);
  const apps = n - 2 - nodes - certs - ingresses - releases;
  write(
    'environments/edge.yaml',
    'apiVersion: boreas.dev/v1\nkind: Environment\nmetadata:\n  name: edge\nspec:\n  type: pm\n  description: Web machines\n  nodeSelector: {role: web}\n',
  );
  write('environments/local.yaml', 'apiVersion: boreas.dev/v1\nkind: Environment\nmetadata:\n  name: local\nspec:\n  type: local\n');
  for (let i = 0; i < nodes; i++) {
    write(
      `nodes/node-${i}.yaml`,
      `# machine ${i} in rack ${i % 12}\napiVersion: boreas.dev/v1\nkind: Node\nmetadata:\n  name: node-${i}\n  labels:\n    role: web\n    rack: r${i % 12}\n    zone: z${i % 3}\nspec:\n  address: 10.0.${i >> 8}.${i & 255}:8081\n  tokenFrom:\n    env: NODE_${i}_TOKEN\n  cordoned: false\n`,
    );
  }
  for (let i = 0; i < apps; i++) {
    const deps =
      i > 0 && i % 4 === 0 ? `  dependsOn: [app-${i - 1}]\n  relations:\n    - name: upstream\n      application: app-${i - 1}\n      port: http\n` : '';
    write(
      `apps/team-${i % 20}/app-${i}.yaml`,
      `# Application ${i}: owned by team ${i % 20}
apiVersion: boreas.dev/v1
kind: Application
metadata:
  name: app-${i}
  labels:
    team: team-${i % 20}
    tier: ${i % 3 === 0 ? 'frontend' : 'backend'}
  annotations:
    owner: team-${i % 20}@example.com
spec:
  environment: edge
  runtime: process
  version: v1.${i % 10}.0
  process:
    command: /opt/app-${i}/bin/server
    args: ["--port", "${10000 + (i % 50000)}", "--log-format", "json"]
    cwd: /var/lib/app-${i}
  replicas: ${1 + (i % 3)}
  placement:
    nodeSelector: {role: web}
    maxPerNode: 1
  ports:
    - name: http
      port: ${10000 + (i % 50000)}
    - name: metrics
      port: ${20000 + (i % 40000)}
  health:
    http: {port: http, path: /healthz}
    intervalSeconds: 10
    timeoutSeconds: 2
  env:
    LOG_LEVEL: info
    REGION: eu-${i % 4}
    DB_PASSWORD: {valueFrom: {env: APP_${i}_DB_PASSWORD}}
  files:
    - path: /etc/app-${i}/config.yaml
      mode: "0640"
      template: |
        listen: :{{ports.http}}
        instance: {{instance}}
        metrics: :{{ports.metrics}}
${deps}  state: Running
`,
    );
  }
  for (let i = 0; i < releases; i++) {
    write(
      `releases/app-${i}.yaml`,
      `apiVersion: boreas.dev/v1\nkind: Release\nmetadata:\n  name: app-${i}\nspec:\n  application: app-${i}\n  versions:\n    - version: v1.${i % 10}.0\n      percent: 90\n    - version: v1.${(i % 10) + 1}.0\n      percent: 10\n      process:\n        command: /opt/app-${i}-next/bin/server\n  strategy:\n    batchSize: 1\n    failureThreshold: 0\n    timeoutSeconds: 300\n    autoRollback: true\n`,
    );
  }
  for (let i = 0; i < ingresses; i++) {
    write(
      `ingress/site-${i}.yaml`,
      `apiVersion: boreas.dev/v1\nkind: Ingress\nmetadata:\n  name: site-${i}\nspec:\n  hosts: [site-${i}.example.com]\n  nodeSelector: {role: web}\n  tls: {certificate: cert-${i}}\n  rules:\n    - path: /\n      application: app-${i}\n      port: http\n    - path: /metrics\n      application: app-${i}\n      port: metrics\n`,
    );
    write(
      `certificates/cert-${i}.yaml`,
      `apiVersion: boreas.dev/v1\nkind: Certificate\nmetadata:\n  name: cert-${i}\nspec:\n  domains: [site-${i}.example.com]\n  issuer:\n    acme:\n      directory: https://acme.example/directory\n      email: ops@example.com\n      challenge: http-01\n  renewBeforeDays: 30\n`,
    );
  }
}
