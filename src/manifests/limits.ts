// Resource limits for untrusted manifest input: a hostile or broken file must produce a diagnostic,
// never exhaust memory or the stack.

/** Files larger than this are rejected before parsing (large CRDs stay well below it). */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;
/** Deepest collection nesting accepted; real manifests rarely exceed 15. */
export const MAX_DEPTH = 64;
/** Passed to yaml's toJS: alias expansions beyond this are treated as an alias bomb. */
export const MAX_ALIAS_COUNT = 100;
