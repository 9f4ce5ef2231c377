// The revision syntax of `git rev-parse` (gitrevisions(7)) that --ref and --base accept, parsed
// into a base name and a list of navigation steps. Pure: resolving them is git-revision.ts's job.
//
//   HEAD~2   main^2   origin/main   v1.0^{}   v1.0^{commit}   abc1234~1   @   @{u}   main@{upstream}
//
// What this grammar leaves out (reflog `@{1}`, `@{-1}`, dates, `:/message`, `^{/regex}`) is handed
// to the git CLI when one is installed; ranges (`a..b`) and `rev:path` never name one commit.

/** One suffix: `^N` (N-th parent, 0 = itself), `~N` (N first parents back), `^{type}` (peel). */
export type RevisionStep = { op: 'parent'; n: number } | { op: 'ancestor'; n: number } | { op: 'peel'; to: 'commit' | 'tag' | 'object' | 'tree' | 'blob' | '' };

export interface ParsedRevision {
  /** A ref name, a (short) SHA, or `HEAD`; `@` is read as `HEAD`. */
  base: string;
  /** `<base>@{upstream}`: the branch `base` tracks (an empty base means the current branch). */
  upstream: boolean;
  steps: RevisionStep[];
}

/** Why a revision is not parsed here: `other` forms may still mean something to the git CLI. */
export type RevisionSyntaxError = { error: 'range' | 'other' | 'invalid'; message: string };

const PEEL_TYPES = new Set(['commit', 'tag', 'object', 'tree', 'blob', '']);

export function parseRevision(text: string): ParsedRevision | RevisionSyntaxError {
  if (text === '' || /[\s\0]/.test(text) || text.startsWith('-')) return { error: 'invalid', message: 'not a revision name' };
  if (text.includes('..') || /\^[!@-]/.test(text))
    return { error: 'range', message: 'a range of commits, not one revision (give one commit, e.g. origin/main)' };
  if (text.includes(':')) return { error: 'other', message: 'names a file or searches commit messages' };
  const cut = text.search(/[~^]/);
  const head = cut < 0 ? text : text.slice(0, cut);
  const base = parseBase(head);
  if ('error' in base) return base;
  const steps: RevisionStep[] = [];
  const suffix = /\^\{([^}]*)\}|\^(\d*)|~(\d*)/y;
  for (let at = head.length; at < text.length; ) {
    suffix.lastIndex = at;
    const m = suffix.exec(text);
    if (!m) return { error: 'invalid', message: `cannot read "${text.slice(at)}"` };
    if (m[1] !== undefined) {
      if (!PEEL_TYPES.has(m[1])) return { error: 'other', message: `"^{${m[1]}}" is not a type to peel to` };
      steps.push({ op: 'peel', to: m[1] as 'commit' });
    } else if (m[2] !== undefined) steps.push({ op: 'parent', n: m[2] === '' ? 1 : Number(m[2]) });
    else steps.push({ op: 'ancestor', n: m[3] === '' ? 1 : Number(m[3]) });
    at = suffix.lastIndex;
  }
  return { ...base, steps };
}

function parseBase(head: string): Omit<ParsedRevision, 'steps'> | RevisionSyntaxError {
  const at = head.indexOf('@{');
  if (at < 0) return head === '' ? { error: 'invalid', message: 'no revision before "~" or "^"' } : { base: head === '@' ? 'HEAD' : head, upstream: false };
  const inner = /^@\{([^}]*)\}$/.exec(head.slice(at));
  if (!inner) return { error: 'other', message: 'unexpected text after "@{...}"' };
  const name = head.slice(0, at);
  if (inner[1] === 'u' || inner[1] === 'upstream') return { base: name === '@' ? '' : name, upstream: true };
  // @{push}, @{1}, @{-1}, @{yesterday}: reflog and push-remote forms.
  return { error: 'other', message: `"@{${inner[1]}}" reads the reflog or push configuration` };
}
