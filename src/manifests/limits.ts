// Resource limits for untrusted manifest input: a hostile or broken file must produce a diagnostic,
// never exhaust memory or the stack.

/** Files larger than this are rejected before parsing (large CRDs stay well below it). */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;
/** Deepest collection nesting accepted; real manifests rarely exceed 15. */
export const MAX_DEPTH = 64;
/** Offset where `[`/`{` nesting first exceeds MAX_DEPTH, or -1. Both parsers run it first: the
 *  yaml parser itself exhausts memory on a few thousand nested brackets. Brackets inside quoted
 *  strings are counted too, which can only over-count on absurd input. */
export function flowDepthOffset(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_DEPTH) return i;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return -1;
}

/** Passed to yaml's toJS: alias expansions beyond this are treated as an alias bomb. */
export const MAX_ALIAS_COUNT = 100;

/**
 * Most bytes one command line plus its environment may take (each string with its terminating NUL).
 * Linux refuses an exec with E2BIG when the total passes ARG_MAX (a quarter of the stack limit, 2 MiB
 * by default) or when one string passes MAX_ARG_STRLEN (128 KiB). 128 KiB in all keeps every single
 * string under the second limit, fits the smallest ARG_MAX any supported system has had (Linux before
 * 2.6.23, and a 512 KiB stack limit today), and leaves the rest to the variables the agent adds
 * (PATH, HOME, BOREAS_*). A manifest over it would start nowhere, so it is refused before anything is.
 */
export const MAX_EXEC_BYTES = 128 * 1024;

/**
 * Most machine instances (process, container, script, systemd) one revision may ask for across every
 * application. Each is a desired resource with its own observation and task, so this bounds the memory
 * and time a plan can take; replicas per application are bounded by the schema (10,000).
 */
export const MAX_INSTANCES = 100_000;
