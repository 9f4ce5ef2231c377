// JSON Schema of `boreas.yaml` (the daemon's config file). Every key mirrors a command-line flag; the
// flag wins when both are given. Durations are strings in the --timeout syntax (90s, 5m, 1h).
export const daemonConfigSchema = {
  $id: 'https://boreas.dev/schemas/daemon-config.json',
  type: 'object',
  additionalProperties: false,
  properties: {
    repo: { type: 'string', minLength: 1, description: 'manifests repository: a local directory or an http(s) Git URL' },
    ref: { type: 'string', minLength: 1 },
    path: { type: 'string' },
    state: { type: 'string', minLength: 1, description: 'SQLite state file, or a postgresql:// URL shared by several replicas' },
    listen: { type: 'string', pattern: '^(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9.-]+):[0-9]{1,5}$' },
    interval: { $ref: '#/$defs/duration' },
    resync: { $ref: '#/$defs/duration' },
    watch: { type: 'boolean' },
    webhookSecretFile: { type: 'string', minLength: 1 },
    apiTokenFile: { type: 'string', minLength: 1 },
    apiReadPublic: { type: 'boolean', description: 'serve API reads, /metrics and the dashboard without the token on a non-loopback address' },
    allowedHosts: {
      type: 'array',
      description: 'Host header values (host or host:port) the API answers to besides the listen address',
      items: { type: 'string', pattern: '^(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?$' },
    },
    logFormat: { enum: ['json', 'text'] },
    logLevel: { enum: ['debug', 'info', 'warn', 'error'] },
    timeout: { $ref: '#/$defs/duration' },
    shutdownTimeout: { $ref: '#/$defs/duration' },
    concurrency: { type: 'integer', minimum: 1, maximum: 64 },
    prune: { type: 'boolean' },
    replicaId: {
      type: 'string',
      pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$',
      description: 'this replica among daemons sharing a PostgreSQL state (default: the host name)',
    },
    heartbeat: { $ref: '#/$defs/duration', description: 'replica heartbeat and lease renewal interval (default 2s)' },
    leaseTtl: { $ref: '#/$defs/duration', description: 'how long an environment lease lasts without renewal (default 10s)' },
    ageIdentityFile: {
      description: 'age identity file(s) decrypting the age/SOPS values of the repository (one path or a list)',
      anyOf: [
        { type: 'string', minLength: 1 },
        { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
      ],
    },
    agentTokens: {
      type: 'object',
      description: "pull-mode agents: node name -> file holding that node's token",
      additionalProperties: { type: 'string', minLength: 1 },
      propertyNames: { pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
    },
  },
  $defs: {
    duration: {
      type: 'string',
      pattern: '^(\\d+|(\\d+(\\.\\d+)?(ms|s|m|h))+)$',
      description: 'e.g. 30s, 5m, 1h30m',
    },
  },
} as const;
