// One adapter per forge behind one interface: how to list, create and update the comments of a pull
// (merge) request. GitHub and Gitea share the issue-comment shape; GitLab calls them MR notes.
import { forgeRequest, nextLink, type ForgeResponse } from './http.js';

/** Forges `plan --comment` can post to. */
export const FORGE_KINDS = ['github', 'gitea', 'gitlab'] as const;
export type ForgeKind = (typeof FORGE_KINDS)[number];

/** Where the comment goes: API base, repository (GitLab: project id or path) and PR/MR number. */
export interface ForgeTarget {
  kind: ForgeKind;
  apiUrl: string;
  repo: string;
  pr: number;
  token: string;
}

/** A comment as Boreas needs it; `url` is where a user can see it. */
export interface ForgeComment {
  id: number;
  body: string;
  url: string;
}

/** The three calls an upsert needs. `list` walks every page. */
export interface CommentApi {
  list(): AsyncGenerator<ForgeComment>;
  create(body: string): Promise<ForgeComment>;
  update(id: number, body: string): Promise<ForgeComment>;
}

interface IssueComment {
  id: number;
  body: string;
  html_url: string;
}
interface GitLabNote {
  id: number;
  body: string;
  system?: boolean;
}

/** Default API base per forge; only GitHub has one everybody shares. */
export const DEFAULT_API_URL: Partial<Record<ForgeKind, string>> = { github: 'https://api.github.com' };

/** The comment API of `target`'s forge. */
export function commentApi(target: ForgeTarget): CommentApi {
  return target.kind === 'gitlab' ? gitlabNotes(target) : issueComments(target);
}

/** GitHub `/repos/{o}/{r}/issues/{n}/comments`; Gitea the same under `/api/v1`, with `limit` for page size. */
function issueComments(t: ForgeTarget): CommentApi {
  const base = t.kind === 'gitea' && !/\/api\/v1\/?$/.test(t.apiUrl) ? join(t.apiUrl, 'api/v1') : t.apiUrl;
  const repo = join(base, 'repos', ...t.repo.split('/').map(encodeURIComponent));
  const auth = { authorization: t.kind === 'github' ? `Bearer ${t.token}` : `token ${t.token}` };
  const toComment = (c: IssueComment): ForgeComment => ({ id: c.id, body: c.body ?? '', url: c.html_url });
  const pageSize = t.kind === 'github' ? 'per_page=100' : 'limit=50';
  return {
    async *list() {
      let url: string | undefined = `${repo}/issues/${t.pr}/comments?${pageSize}`;
      while (url) {
        const res: ForgeResponse<IssueComment[]> = await forgeRequest<IssueComment[]>(t.kind, 'GET', url, auth);
        for (const c of res.data) yield toComment(c);
        url = nextLink(res.headers);
      }
    },
    create: async (body) => toComment((await forgeRequest<IssueComment>(t.kind, 'POST', `${repo}/issues/${t.pr}/comments`, auth, { body })).data),
    update: async (id, body) => toComment((await forgeRequest<IssueComment>(t.kind, 'PATCH', `${repo}/issues/comments/${id}`, auth, { body })).data),
  };
}

/** GitLab `/projects/{id}/merge_requests/{iid}/notes`; the project may be a numeric id or `group/name`. */
function gitlabNotes(t: ForgeTarget): CommentApi {
  const base = /\/api\/v4\/?$/.test(t.apiUrl) ? t.apiUrl : join(t.apiUrl, 'api/v4');
  const notes = join(base, 'projects', encodeURIComponent(t.repo), 'merge_requests', String(t.pr), 'notes');
  const auth = { 'private-token': t.token };
  // Notes carry no web URL; link to the MR page when the project is a path, else to the API resource.
  const web = /^\d+$/.test(t.repo) ? undefined : join(base.replace(/\/api\/v4\/?$/, ''), ...t.repo.split('/'), '-', 'merge_requests', String(t.pr));
  const toComment = (n: GitLabNote): ForgeComment => ({ id: n.id, body: n.body ?? '', url: web ? `${web}#note_${n.id}` : `${notes}/${n.id}` });
  return {
    async *list() {
      let url: string | undefined = `${notes}?per_page=100&sort=asc&order_by=created_at`;
      while (url) {
        const res: ForgeResponse<GitLabNote[]> = await forgeRequest<GitLabNote[]>('gitlab', 'GET', url, auth);
        for (const n of res.data) if (!n.system) yield toComment(n);
        const nextPage = [res.headers['x-next-page']].flat()[0];
        url = nextLink(res.headers) ?? (nextPage ? `${notes}?per_page=100&sort=asc&order_by=created_at&page=${nextPage}` : undefined);
      }
    },
    create: async (body) => toComment((await forgeRequest<GitLabNote>('gitlab', 'POST', notes, auth, { body })).data),
    update: async (id, body) => toComment((await forgeRequest<GitLabNote>('gitlab', 'PUT', `${notes}/${id}`, auth, { body })).data),
  };
}

/** Joins URL path segments onto a base without doubling slashes. */
function join(base: string, ...segments: string[]): string {
  return [base.replace(/\/+$/, ''), ...segments].join('/');
}
