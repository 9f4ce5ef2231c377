// http-01 publisher for webroots reachable as local directories (the `local` edge, tests). For
// remote edge nodes the agent target publishes through the agent instead (a file task per node),
// with the same ChallengePublisher shape.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../runtime/nginx/atomic-file.js';
import type { ChallengePublisher } from './acme-issuer.js';

/** Writes each token to `<webroot>/.well-known/acme-challenge/<token>` in every webroot given. */
export function webrootChallengePublisher(webroots: string[]): ChallengePublisher {
  const file = (root: string, token: string) => {
    if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new Error(`unexpected ACME token ${JSON.stringify(token)}`);
    return join(root, '.well-known', 'acme-challenge', token);
  };
  return {
    async publishChallenge(token, content) {
      await Promise.all(webroots.map((r) => writeFileAtomic(file(r, token), content, 0o644)));
    },
    async removeChallenge(token) {
      await Promise.all(webroots.map((r) => rm(file(r, token), { force: true })));
    },
  };
}
