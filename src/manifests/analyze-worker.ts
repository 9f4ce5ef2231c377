// Worker-thread entry of the parallel file analysis (analyze-parallel.ts). Started early, it loads
// the parser and validators while the main thread is still listing files, then waits for the files:
// it takes them from the shared counter until none is left and posts back their analyses in one
// messages of many files each (serializing file by file costs several times more), then the same
// analyses serialized for the parse cache, which the main thread then need not do. A separate
// entry point of the bundle (scripts/build.mjs).
import { serialize } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import type { AnalyzedFile } from './analyze-file.js';
import { analyzeOne } from './analyze-one.js';
import type { SharedFiles, WorkerResult, WorkerSerialized } from './analyze-shared.js';

/** Files per posted batch of analyses. */
const BATCH = 500;

parentPort?.once('message', ({ bytes, offsets, next, keys }: SharedFiles) => {
  const claim = new Int32Array(next);
  const ends = new Float64Array(offsets);
  const count = ends.length - 1;
  const indexes: number[] = [];
  const analyzed: AnalyzedFile[] = [];
  // Posted in batches while parsing, so cloning them overlaps the main thread's own parsing
  // instead of delaying it at the end.
  let posted = 0;
  const post = (last: boolean) => {
    parentPort?.postMessage({ indexes: indexes.slice(posted), analyzed: analyzed.slice(posted), last } satisfies WorkerResult);
    posted = indexes.length;
  };
  for (let i = Atomics.add(claim, 0, 1); i < count; i = Atomics.add(claim, 0, 1)) {
    indexes.push(i);
    analyzed.push(analyzeOne(Buffer.from(bytes, ends[i], ends[i + 1] - ends[i])));
    if (indexes.length - posted >= BATCH) post(false);
  }
  post(true);
  // Then, while the main thread goes on, the same analyses serialized for the parse cache.
  if (keys) {
    const mine = indexes.map((i) => keys[i]);
    const bytes = serialize(new Map(mine.map((k, j) => [k, analyzed[j]])));
    parentPort?.postMessage({ keys: mine, bytes } satisfies WorkerSerialized);
  }
});
