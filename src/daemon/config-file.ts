// Reads `boreas.yaml`: YAML with positions, validated against the daemon config schema with every
// error reported as `file:line:col: field: message` (exit code 2, nothing started).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { UserError } from '../model/errors.js';
import { isDatabaseUrl } from '../store/location.js';
import { daemonConfigSchema } from './config-schema.js';

/** The keys of `boreas.yaml`, as written (durations still strings, paths still relative). */
export interface DaemonConfigFile {
  repo?: string;
  ref?: string;
  path?: string;
  state?: string;
  listen?: string;
  interval?: string;
  resync?: string;
  watch?: boolean;
  webhookSecretFile?: string;
  apiTokenFile?: string;
  apiReadPublic?: boolean;
  allowedHosts?: string[];
  logFormat?: 'json' | 'text';
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  timeout?: string;
  shutdownTimeout?: string;
  concurrency?: number;
  prune?: boolean;
  agentTokens?: Record<string, string>;
  /** One file or a list (several identities during a key rotation). */
  ageIdentityFile?: string[];
  replicaId?: string;
  heartbeat?: string;
  leaseTtl?: string;
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile<DaemonConfigFile>(daemonConfigSchema);

/** Keys holding file system paths: made absolute against the config file's directory. */
const pathKeys = ['state', 'webhookSecretFile', 'apiTokenFile'] as const;

/**
 * Parses and validates the config file. Relative paths (state, secret files, a local repo) are
 * resolved against the file's directory, so the daemon behaves the same from any working directory.
 */
export function loadConfigFile(file: string): DaemonConfigFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read config file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const where = (offset: number) => {
    const p = lines.linePos(offset);
    return `${file}:${p.line}:${p.col}`;
  };
  if (doc.errors.length) {
    throw new UserError(`invalid config file:\n${doc.errors.map((e) => `  ${where(e.pos[0])}: ${e.message.split('\n')[0]}`).join('\n')}`);
  }
  const data = (doc.toJS() ?? {}) as unknown;
  if (!validate(data)) {
    const msgs = (validate.errors ?? []).map((e) => `  ${where(offsetOf(doc.contents, e))}: ${describe(e)}`);
    throw new UserError(`invalid config file:\n${msgs.join('\n')}`);
  }
  const cfg: DaemonConfigFile = { ...data };
  const base = dirname(resolve(file));
  for (const key of pathKeys) if (cfg[key] && !(key === 'state' && isDatabaseUrl(cfg[key]!))) cfg[key] = resolve(base, cfg[key]!);
  if (cfg.repo && !/^https?:\/\//i.test(cfg.repo)) cfg.repo = resolve(base, cfg.repo);
  const ids = (data as { ageIdentityFile?: string | string[] }).ageIdentityFile;
  if (ids !== undefined) cfg.ageIdentityFile = (Array.isArray(ids) ? ids : [ids]).map((f) => resolve(base, f));
  if (cfg.agentTokens) cfg.agentTokens = Object.fromEntries(Object.entries(cfg.agentTokens).map(([n, f]) => [n, resolve(base, f)]));
  return cfg;
}

/** Offset of the YAML node an ajv error points at (the closest existing ancestor). */
function offsetOf(root: unknown, err: ErrorObject): number {
  const segs = err.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (err.keyword === 'additionalProperties') segs.push(String((err.params as { additionalProperty: string }).additionalProperty));
  let node = root as Node | null | undefined;
  let offset = node?.range?.[0] ?? 0;
  for (const seg of segs) {
    if (isMap(node)) {
      const pair = node.items.find((p) => String((p.key as { value?: unknown })?.value ?? p.key) === seg);
      if (!pair) break;
      // Point at the key for unknown keys, at the value otherwise.
      const keyNode = pair.key as Node;
      offset = (err.keyword === 'additionalProperties' && seg === segs[segs.length - 1] ? keyNode?.range?.[0] : (pair.value as Node)?.range?.[0]) ?? offset;
      node = pair.value as Node;
    } else if (isSeq(node)) {
      node = node.items[Number(seg)] as Node;
      offset = node?.range?.[0] ?? offset;
    } else break;
  }
  return offset;
}

function describe(e: ErrorObject): string {
  const field = e.instancePath.split('/').slice(1).join('.');
  const prefix = field ? `${field}: ` : '';
  switch (e.keyword) {
    case 'additionalProperties':
      return `${prefix}unknown key "${(e.params as { additionalProperty: string }).additionalProperty}"`;
    case 'enum':
      return `${prefix}must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'pattern':
      return `${prefix}${field.endsWith('listen') ? 'must be host:port' : /interval|resync|timeout/i.test(field) ? 'must be a duration such as 30s, 5m or 1h' : `must match ${(e.params as { pattern: string }).pattern}`}`;
    default:
      return `${prefix}${e.message ?? e.keyword}`;
  }
}
