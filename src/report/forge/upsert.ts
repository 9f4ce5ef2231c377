// Create-or-update of the one plan comment on a PR (Renovate's "ensureComment" by topic marker): the
// first Boreas comment is edited in place, so a PR never collects a trail of stale plans, and an
// unchanged plan costs only the read.
import { commentApi, type ForgeTarget } from './forges.js';
import { hasContent, isPlanComment, tagBody } from './comment-body.js';
import { redact } from '../../util/redact.js';

/** What the upsert did: `unchanged` made no write call. */
export type UpsertResult = { action: 'created' | 'updated' | 'unchanged'; url: string; id: number };

/** Posts `rendered` (a renderPlanMarkdown body) as the PR's plan comment, creating or updating it. */
export async function upsertPlanComment(target: ForgeTarget, rendered: string): Promise<UpsertResult> {
  // The comment leaves the machine: any resolved secret in a message is masked first.
  const wanted = tagBody(redact(rendered));
  const api = commentApi(target);
  for await (const c of api.list()) {
    if (!isPlanComment(c.body)) continue;
    if (hasContent(c.body, wanted)) return { action: 'unchanged', url: c.url, id: c.id };
    const updated = await api.update(c.id, wanted.body);
    return { action: 'updated', url: updated.url || c.url, id: c.id };
  }
  const created = await api.create(wanted.body);
  return { action: 'created', url: created.url, id: created.id };
}
