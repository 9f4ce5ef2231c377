// What the main thread and the analysis worker (analyze-worker.ts) share: the files' bytes, one
// after another in shared memory, their end offsets, and the counter both threads take files from.
import type { AnalyzedFile } from './analyze-file.js';

export interface SharedFiles {
  /** Every file's bytes, concatenated. */
  bytes: SharedArrayBuffer;
  /** Float64Array of count + 1 offsets into `bytes`: file i is [offsets[i], offsets[i + 1]). */
  offsets: SharedArrayBuffer;
  /** Int32Array of one element: the next file index to take (Atomics.add). */
  next: SharedArrayBuffer;
  /** The files' parse-cache keys: when given, the worker also posts its analyses serialized under them. */
  keys?: string[];
}

/** A batch of the worker's analyses: analyzed[k] is the analysis of file indexes[k]. */
export interface WorkerResult {
  indexes: number[];
  analyzed: AnalyzedFile[];
  /** The worker's last batch: no file is left to take. */
  last: boolean;
}

/** The worker's second message when keys were given: its analyses as one V8-serialized Map by key. */
export interface WorkerSerialized {
  keys: string[];
  bytes: Uint8Array;
}
