// The analysis (parse + schema check) of many files over two threads: the main thread and one worker
// take files from a shared counter, so neither waits for the other and the worker's start-up costs
// nothing but its own time. The worker posts its analyses back in batches. Issue 12 (cold
// validation of 10,000 files): the parse is most of a cold load.
// Only from MIN_CORES cores: measured on two cores (scripts/bench/validate.ts, 10,000 files), the
// worker made the load slower, not faster: V8's parallel and concurrent garbage collection already
// keeps the second core about half busy during a single-threaded parse, and the worker then only
// adds its start-up, a cold JIT and the clone of its results.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AnalyzedFile } from './analyze-file.js';
import { analyzeOne } from './analyze-one.js';
import type { SharedFiles, WorkerResult, WorkerSerialized } from './analyze-shared.js';

/**
 * Below this many files the main thread works alone: the worker's start-up (it loads the parser
 * and the schema validators, some 50 ms of its own) is then more than it could take over.
 */
export const PARALLEL_FROM = 2000;

/** Fewest cores (os.availableParallelism) the worker is used on; see the top of this file. */
export const MIN_CORES = 3;

/** Whether `files` files are worth a worker on this machine (`opts` override the thresholds, tests). */
function worthAWorker(files: number, opts: { parallelFrom?: number; minCores?: number }): boolean {
  return files > 0 && files >= (opts.parallelFrom ?? PARALLEL_FROM) && availableParallelism() >= (opts.minCores ?? MIN_CORES);
}
/** A worker started ahead of the files it will analyze (startAnalysisWorker), or none. */
export interface AnalysisHelper {
  worker?: Worker;
}

/**
 * Starts the worker now, when the caller already knows many files will be analyzed (validate
 * counts them in its first directory walk): it then loads while the files are being read. The
 * helper is used by one analyzeFiles call, or dropped with stopAnalysisHelper.
 */
export function startAnalysisHelper(expectedFiles: number, thresholds: { parallelFrom?: number; minCores?: number } = {}): AnalysisHelper {
  if (!worthAWorker(expectedFiles, thresholds)) return {};
  try {
    const worker = spawnWorker();
    worker.unref(); // never keeps the process alive; a result being awaited does
    return { worker };
  } catch {
    return {}; // the main thread does all the work
  }
}

export function stopAnalysisHelper(helper: AnalysisHelper): void {
  void helper.worker?.terminate();
  helper.worker = undefined;
}

export interface AnalyzeOptions {
  /** Override PARALLEL_FROM and MIN_CORES (tests). */
  parallelFrom?: number;
  minCores?: number;
  /** A worker started ahead; used once. */
  helper?: AnalysisHelper;
  /** The files' parse-cache keys: the worker then also serializes its share under them (`serialized`). */
  keys?: string[];
  /**
   * Work of the main thread's that needs no analysis (finding the revision), run while the worker
   * has started on the files, before the main thread takes its own: it then costs the wall clock
   * only about half its time. Its failure is the caller's to see (await what it started).
   */
  meanwhile?: () => Promise<unknown>;
  /** Test seam: the main thread takes no file, so a test sees the worker's work alone. */
  workerOnly?: boolean;
}

export interface Analyzed {
  /** The analysis of every file, in order. */
  analyzed: AnalyzedFile[];
  /** How many of them the worker made. */
  byWorker: number;
  /** With `keys`: the worker's analyses, serialized by it for the parse cache (undefined without). */
  serialized: Promise<WorkerSerialized | undefined>;
}

const none = Promise.resolve(undefined);

/** Analyzes every file, over two threads when there are many. */
export async function analyzeFiles(files: Buffer[], opts: AnalyzeOptions = {}): Promise<Analyzed> {
  const n = files.length;
  const parallel = worthAWorker(n, opts);
  let worker = opts.helper?.worker;
  if (opts.helper) opts.helper.worker = undefined; // used once
  if (!parallel) void worker?.terminate();
  else worker ??= startAnalysisHelper(n, opts).worker;
  if (!parallel || !worker) return { analyzed: files.map(analyzeOne), byWorker: 0, serialized: none };
  const shared = { ...share(files), keys: opts.keys };
  const claim = new Int32Array(shared.next);
  const fromWorker = resultsOf(worker, shared);
  try {
    await opts.meanwhile?.();
  } catch {
    // The caller awaits what meanwhile started and sees the failure there.
  }
  const analyzed = new Array<AnalyzedFile>(n);
  if (!opts.workerOnly) for (let i = Atomics.add(claim, 0, 1); i < n; i = Atomics.add(claim, 0, 1)) analyzed[i] = analyzeOne(files[i]);
  const result = await fromWorker.result;
  if (result) result.indexes.forEach((i, k) => (analyzed[i] = result.analyzed[k]));
  // A worker that could not start or failed leaves its files to the main thread.
  for (let i = 0; i < n; i++) analyzed[i] ??= analyzeOne(files[i]);
  return { analyzed, byWorker: result?.indexes.length ?? 0, serialized: result ? fromWorker.serialized : none };
}

/** The files' bytes in shared memory, one after another, with their offsets and a zero counter. */
function share(files: Buffer[]): SharedFiles {
  const total = files.reduce((sum, f) => sum + f.length, 0);
  const bytes = new SharedArrayBuffer(total);
  const offsets = new SharedArrayBuffer(8 * (files.length + 1));
  const view = new Uint8Array(bytes);
  const ends = new Float64Array(offsets);
  let at = 0;
  files.forEach((f, i) => {
    ends[i] = at;
    view.set(f, at);
    at += f.length;
  });
  ends[files.length] = at;
  return { bytes, offsets, next: new SharedArrayBuffer(4) };
}

/**
 * The worker's messages: batches of analyses up to the last, then (with keys) the same analyses
 * serialized. Each promise gives undefined when the worker failed first; the worker is stopped
 * after its last message.
 */
function resultsOf(worker: Worker, shared: SharedFiles): { result: Promise<WorkerResult | undefined>; serialized: Promise<WorkerSerialized | undefined> } {
  let settleResult: (r: WorkerResult | undefined) => void = () => undefined;
  let settleSerialized: (r: WorkerSerialized | undefined) => void = () => undefined;
  const result = new Promise<WorkerResult | undefined>((resolve) => (settleResult = resolve));
  const serialized = new Promise<WorkerSerialized | undefined>((resolve) => (settleSerialized = resolve));
  const failed = () => {
    settleResult(undefined);
    settleSerialized(undefined);
  };
  const all: WorkerResult = { indexes: [], analyzed: [], last: false };
  let done = false;
  worker.on('message', (m: WorkerResult | WorkerSerialized) => {
    if (!done && 'last' in m) {
      for (const i of m.indexes) all.indexes.push(i);
      for (const a of m.analyzed) all.analyzed.push(a);
      done = m.last;
      if (done) settleResult(all);
    } else if ('bytes' in m) settleSerialized(m);
    if ((done && !shared.keys) || 'bytes' in m) {
      settleSerialized(undefined);
      void worker.terminate();
    }
  });
  worker.once('error', failed);
  worker.once('exit', failed);
  // Referenced until its last message (callers await the serialized copy too); then stopped.
  worker.ref();
  worker.postMessage(shared);
  return { result, serialized };
}

/** In the bundle this code is in a chunk (dist/src/chunks/) and the worker an entry point of its own
 *  (dist/src/manifests/). Running the sources, the worker module sits beside this one and registers
 *  tsx first: the main thread's `--import tsx` does not reach worker threads in Node 20. */
function spawnWorker(): Worker {
  // A larger young generation: parsing allocates much that dies young, and fewer scavenges measured faster.
  const resourceLimits = { maxYoungGenerationSizeMb: 64 };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('../manifests/analyze-worker.js', import.meta.url), { resourceLimits });
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const worker = JSON.stringify(new URL('./analyze-worker.ts', import.meta.url).href);
  return new Worker(`import(${tsx}).then((tsx) => { tsx.register(); return import(${worker}); });`, { eval: true, resourceLimits });
}
