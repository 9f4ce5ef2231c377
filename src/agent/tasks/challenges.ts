// PublishChallenge / RemoveChallenge: ACME http-01 key authorizations in this node's nginx webroot,
// at `<webroot>/.well-known/acme-challenge/<token>` (the location every rendered site and the base
// nginx config serve). The controller sends only the token and the content, never a path: the
// directory is the node's own --nginx-webroot and the token charset is checked, so these tasks can
// write nowhere else; the writes are confined to the webroot like every file task (no symlink in it
// is followed out).
import { join } from 'node:path';
import { mkdirBeneath, removeFileBeneath, writeFileBeneath } from '../../runtime/files/index.js';
import { acmeTokenPattern } from '../../protocol/schemas.js';
import type { AgentContext } from '../context.js';
import type { TaskHandlers } from './types.js';

const tokenRe = new RegExp(acmeTokenPattern);

function challengeFile(ctx: AgentContext, token: string): string {
  if (!tokenRe.test(token)) throw new Error(`invalid ACME token ${JSON.stringify(token)}: expected base64url characters [A-Za-z0-9_-]`);
  return join(ctx.config.nginxWebroot, '.well-known', 'acme-challenge', token);
}

const publishChallenge: TaskHandlers['PublishChallenge'] = async (ctx, payload) => {
  const file = challengeFile(ctx, payload.token);
  // nginx workers (another user) must traverse to the file: directories 0755, file 0644.
  const roots = [ctx.config.nginxWebroot];
  mkdirBeneath(join(ctx.config.nginxWebroot, '.well-known', 'acme-challenge'), roots, 0o755);
  await writeFileBeneath(file, roots, payload.content, 0o644);
  return { outcome: 'configured', message: `challenge published in ${ctx.config.nginxWebroot}` };
};

const removeChallenge: TaskHandlers['RemoveChallenge'] = async (ctx, payload) => {
  removeFileBeneath(challengeFile(ctx, payload.token), [ctx.config.nginxWebroot]);
  return { outcome: 'deleted', message: 'challenge removed' };
};

export const challengeHandlers: Pick<TaskHandlers, 'PublishChallenge' | 'RemoveChallenge'> = {
  PublishChallenge: publishChallenge,
  RemoveChallenge: removeChallenge,
};
