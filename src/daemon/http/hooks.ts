// POST /hooks/{github,gitea,gitlab}: 401 for a bad signature or token, 202 for deliveries that are
// not a push to the followed ref, 202 + one queued reconcile for a push that is, 200
// {duplicate: true} and nothing queued for a push delivery seen in the last 24 hours.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DaemonContext } from '../context.js';
import { classifyWebhook, forges, type Forge } from '../webhooks.js';
import { deliveryId } from '../webhook-deliveries.js';
import { HttpError, readBody } from '../../util/http-body.js';
import { sendJson } from './respond.js';

/** GitHub caps payloads at 25 MB; pushes of manifests are far smaller. */
const maxPayloadBytes = 5 * 1024 * 1024;

export function isForge(name: string): name is Forge {
  return (forges as readonly string[]).includes(name);
}

export async function handleHook(ctx: DaemonContext, forge: Forge, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const log = ctx.base.log.child({ forge });
  const secret = ctx.cfg.webhookSecret;
  if (!secret) {
    // Without a secret nothing can be verified, so nothing is accepted.
    ctx.metrics.recordWebhook(forge, 'unauthorized');
    throw new HttpError(403, 'webhooks are disabled: start the daemon with --webhook-secret-file');
  }
  const body = await readBody(req, maxPayloadBytes);
  const verdict = await classifyWebhook(forge, secret, req.headers, body, ctx.cfg.ref);
  const delivery = deliveryId(req.headers);
  switch (verdict.kind) {
    case 'unauthorized':
      ctx.metrics.recordWebhook(forge, 'unauthorized');
      log.warn('webhook refused', { reason: verdict.reason, remote: req.socket.remoteAddress, delivery });
      return sendJson(res, 401, { error: verdict.reason });
    case 'bad_request':
      ctx.metrics.recordWebhook(forge, 'bad_request');
      return sendJson(res, 400, { error: verdict.reason });
    case 'ignored':
      ctx.metrics.recordWebhook(forge, 'ignored');
      log.info('webhook ignored', { reason: verdict.reason, delivery });
      return sendJson(res, 202, { accepted: false, reason: verdict.reason });
    case 'push': {
      // Only authenticated deliveries count: an unsigned request cannot block a real one.
      if (await ctx.deliveries.seen(forge, delivery, body)) {
        ctx.metrics.recordWebhook(forge, 'duplicate');
        log.info('duplicate webhook delivery ignored', { delivery });
        return sendJson(res, 200, { duplicate: true, ...(delivery ? { delivery } : {}) });
      }
      ctx.metrics.recordWebhook(forge, 'accepted');
      const queued = ctx.trigger(`webhook:${forge}`);
      log.info('push webhook received', { ref: verdict.ref, after: verdict.after, delivery, queued });
      if (!queued) return sendJson(res, 503, { error: 'the daemon is shutting down' });
      // Remembered once queued: a delivery refused while shutting down may be redelivered.
      await ctx.deliveries.remember(forge, delivery, body);
      return sendJson(res, 202, { accepted: true, ref: verdict.ref, reconcile: 'queued' });
    }
  }
}
