// What a commit says about itself, and isomorphic-git's cache type: kept apart from git-revision.ts
// so the working-tree source (most local runs) can name them without loading isomorphic-git.

/** isomorphic-git's object cache: parsed pack indexes are kept here, so pass one per repository. */
export type GitCache = Record<string, unknown>;

export interface CommitInfo {
  oid: string;
  subject: string;
  /** Author name and author time (ISO), shown by history, status and the dashboard. */
  author: string;
  committedAt: string;
}

/** What a parsed commit says about itself: subject line, author name, author time. */
export function commitFacts(commit: { message: string; author: { name: string; timestamp: number } }): Omit<CommitInfo, 'oid'> {
  return { subject: commit.message.split('\n', 1)[0], author: commit.author.name, committedAt: new Date(commit.author.timestamp * 1000).toISOString() };
}
