// The analysis of one file's bytes, the same on the main thread and in the worker: the fast parse
// first, and the positional parse only when there is something to report (analyze-file.ts).
import { analyzeFile, analyzeFileFast, type AnalyzedFile } from './analyze-file.js';

export function analyzeOne(bytes: Buffer): AnalyzedFile {
  return analyzeFileFast(bytes) ?? analyzeFile(bytes).analyzed;
}
