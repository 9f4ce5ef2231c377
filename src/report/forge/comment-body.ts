// The plan comment's identity and version live in its first line: `<!-- boreas-plan sha256:… -->`.
// The marker finds Boreas's comment among everyone else's; the hash lets a rerun with the same plan
// skip the write without comparing bodies the forge may have re-normalised (line endings, trailing space).
import { createHash } from 'node:crypto';
import { PLAN_COMMENT_MARKER, GITHUB_COMMENT_LIMIT } from '../plan-markdown.js';
import { UserError, ExitCode } from '../../model/errors.js';

/** Prefix shared by the plain marker and the hashed one, so comments from older versions are found too. */
const markerPrefix = PLAN_COMMENT_MARKER.replace(/ -->$/, '');
const hashedMarker = /^<!-- boreas-plan sha256:([0-9a-f]{64}) -->/;

/** Characters the hashed marker line adds to a rendered body; render with this much less room. */
export const MARKER_HASH_OVERHEAD = ' sha256:'.length + 64;

/** sha256 of the body without its marker line, normalised to LF so a forge's CRLF does not count as a change. */
export function contentHash(body: string): string {
  const rest = body.replace(/\r\n/g, '\n').replace(/^<!-- boreas-plan[^\n]*-->\n?/, '');
  return createHash('sha256').update(rest).digest('hex');
}

/** The body to send: the marker line carries the content hash. Refuses bodies the forge would reject. */
export function tagBody(rendered: string): { body: string; hash: string } {
  if (!rendered.startsWith(PLAN_COMMENT_MARKER)) throw new Error('plan comment body must start with the boreas-plan marker');
  const hash = contentHash(rendered);
  const body = `${markerPrefix} sha256:${hash} -->` + rendered.slice(PLAN_COMMENT_MARKER.length);
  if (body.length > GITHUB_COMMENT_LIMIT) {
    throw new UserError(`plan comment is ${body.length} characters, over the forge limit of ${GITHUB_COMMENT_LIMIT}`, ExitCode.Failure);
  }
  return { body, hash };
}

/** True for a comment Boreas wrote: its body starts with the marker (a quote of it starts with "> "). */
export function isPlanComment(body: string): boolean {
  return body.trimStart().startsWith(markerPrefix + ' ');
}

/** True when an existing comment already shows this content (by its embedded hash, else by the body itself). */
export function hasContent(existing: string, wanted: { body: string; hash: string }): boolean {
  const m = hashedMarker.exec(existing.trimStart());
  if (m) return m[1] === wanted.hash;
  return contentHash(existing) === wanted.hash;
}
