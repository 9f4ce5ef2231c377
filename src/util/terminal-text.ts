// Text from the outside world (file names, manifest values, messages of agents and tools) printed to
// a terminal, a CI log or a PR comment must not be able to forge output: a newline would fake a
// line ("Plan: 0 to change"), ANSI escapes could recolour, hide or erase text, bidi overrides could
// reorder it. These helpers show every such character as a visible escape instead.

/** C0 controls except tab, DEL, C1 controls, line/paragraph separators and bidi overrides/isolates. */
const unsafe = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same minus what JSON.stringify already escapes (C0). */
const unsafeInJson = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(c: string): string {
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line of text: every control character (newlines included) shown as an escape such as `\n` or `\x1b`. */
export function safeText(text: string): string {
  return text.replace(unsafe, escapeChar);
}

/** Text that legitimately spans lines (diffs, multi-line messages): each line made safe, the newlines kept. */
export function safeLines(text: string): string {
  return text
    .split('\n')
    .map((line) => safeText(line))
    .join('\n');
}

/** JSON for a terminal: JSON.stringify, plus `\u` escapes for DEL, C1 and bidi characters it leaves raw. */
export function terminalJson(value: unknown, indent?: number): string {
  return (JSON.stringify(value, null, indent) ?? 'null').replace(unsafeInJson, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
