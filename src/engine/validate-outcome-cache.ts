// `boreas validate`'s stored outcome: the diagnostics, revision and counts of the last validation of
// a working tree, keyed by the tree's fingerprint (src/source/worktree-fingerprint.ts) and the
// Boreas code hash, so validating an unchanged repository again reads one small file instead of
// every manifest. The file lives in the private cache dir (0600 in 0700) and is only a cache: a
// truncated, corrupted, tampered (checksum), foreign-owned or group/world-accessible file, or one
// of another shape, is ignored and everything is validated again; it can never skip an error. The
// checksum catches corruption only (it is not keyed): what keeps others out is the owner and mode
// check and a key made of inodes and change times nobody else can predict.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../model/diagnostic.js';
import type { ResolvedRevision } from '../source/source.js';
import { mkdirPrivate, writeFilePrivate } from '../util/private-files.js';

/** What validate prints, from a full load or from the cache. */
export interface ValidateOutcome {
  revision: ResolvedRevision;
  /** Sorted by file, line, column. */
  diagnostics: Diagnostic[];
  stats: { files: number; parsed: number; cached: number };
  /** Manifests found: Boreas documents plus raw Kubernetes objects. */
  manifests: number;
}

const FORMAT = 'boreas-validate-outcome/1';
const DIR = 'validate-outcome';
/** Far above any real outcome; a larger file is not read at all. */
const MAX_BYTES = 64 * 1024 * 1024;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** One file per validated directory and --path: the next validation of it replaces the outcome. */
function fileFor(cacheDir: string, slot: string): string {
  return join(cacheDir, DIR, `${sha256(slot).slice(0, 32)}.json`);
}

/** The outcome stored for `slot` under exactly `key`, or undefined (missing, stale or untrusted). */
export function readOutcome(cacheDir: string, slot: string, key: string): ValidateOutcome | undefined {
  let text: string;
  try {
    const fd = openSync(fileFor(cacheDir, slot), 'r');
    try {
      const st = fstatSync(fd);
      const uid = process.getuid?.();
      if (!st.isFile() || st.size > MAX_BYTES || (uid !== undefined && st.uid !== uid) || (st.mode & 0o077) !== 0) return undefined;
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  const newline = text.indexOf('\n');
  const body = text.slice(newline + 1);
  if (newline !== 64 || text.slice(0, 64) !== sha256(body)) return undefined;
  try {
    const stored = JSON.parse(body) as { format?: unknown; key?: unknown; outcome?: unknown };
    if (stored.format !== FORMAT || stored.key !== key || !isOutcome(stored.outcome)) return undefined;
    const { files } = stored.outcome.stats;
    return { ...stored.outcome, stats: { files, parsed: 0, cached: files } };
  } catch {
    return undefined;
  }
}

/**
 * Stores `outcome` for `slot` under `key`, replacing what was there (write-then-rename, 0600). Best
 * effort: a cache dir that cannot be written (read-only, full, owned by root after a `sudo` run, a
 * file where the directory should be) only means the next run validates in full; the outcome of this
 * run is printed all the same.
 */
export function saveOutcome(cacheDir: string, slot: string, key: string, outcome: ValidateOutcome): void {
  const body = JSON.stringify({ format: FORMAT, key, outcome });
  try {
    mkdirPrivate(join(cacheDir, DIR));
    writeFilePrivate(fileFor(cacheDir, slot), `${sha256(body)}\n${body}`);
  } catch {
    // Only a cache (see above).
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const optionalString = (v: unknown) => v === undefined || typeof v === 'string';

function isDiagnostic(v: unknown): v is Diagnostic {
  return (
    isObject(v) &&
    typeof v.file === 'string' &&
    isCount(v.line) &&
    isCount(v.col) &&
    optionalString(v.manifest) &&
    typeof v.field === 'string' &&
    typeof v.message === 'string' &&
    (v.severity === 'error' || v.severity === 'warning')
  );
}

function isOutcome(v: unknown): v is ValidateOutcome {
  if (!isObject(v) || !isObject(v.revision) || !isObject(v.stats) || !Array.isArray(v.diagnostics)) return false;
  const r = v.revision;
  const revisionOk = typeof r.sha === 'string' && typeof r.treeHash === 'string' && [r.ref, r.subject, r.author, r.committedAt].every(optionalString);
  return revisionOk && isCount(v.stats.files) && isCount(v.manifests) && v.diagnostics.every(isDiagnostic);
}
