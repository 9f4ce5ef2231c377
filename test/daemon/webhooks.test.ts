// Webhook authentication and classification for GitHub (X-Hub-Signature-256, signed with
// @octokit/webhooks-methods), Gitea (X-Gitea-Signature, hex HMAC) and GitLab (X-Gitlab-Token).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import { classifyWebhook, refMatches, safeEqual } from '../../src/daemon/webhooks.js';
import { WebhookDeliveries, deliveryId, deliveryWindowMs } from '../../src/daemon/webhook-deliveries.js';

const secret = 'hook-secret';
const push = JSON.stringify({ ref: 'refs/heads/main', after: 'a'.repeat(40) });

test('github: valid signature on a push to main → push; tampered body, wrong secret, missing header → unauthorized', async () => {
  const sig = await sign(secret, push);
  assert.deepEqual(await classifyWebhook('github', secret, { 'x-github-event': 'push', 'x-hub-signature-256': sig }, push, 'main'), {
    kind: 'push',
    ref: 'refs/heads/main',
    after: 'a'.repeat(40),
  });
  assert.equal(
    (await classifyWebhook('github', secret, { 'x-github-event': 'push', 'x-hub-signature-256': sig }, push.replace('main', 'mainx'), 'main')).kind,
    'unauthorized',
  );
  assert.equal(
    (await classifyWebhook('github', secret, { 'x-github-event': 'push', 'x-hub-signature-256': await sign('other', push) }, push, 'main')).kind,
    'unauthorized',
  );
  assert.equal((await classifyWebhook('github', secret, { 'x-github-event': 'push', 'x-hub-signature-256': 'sha256=zz' }, push, 'main')).kind, 'unauthorized');
  assert.equal((await classifyWebhook('github', secret, { 'x-github-event': 'push' }, push, 'main')).kind, 'unauthorized');
});

test('github: signed non-push events and pushes to other branches are ignored; garbage is a bad request', async () => {
  const ping = JSON.stringify({ zen: 'x' });
  assert.equal(
    (await classifyWebhook('github', secret, { 'x-github-event': 'ping', 'x-hub-signature-256': await sign(secret, ping) }, ping, 'main')).kind,
    'ignored',
  );
  const dev = JSON.stringify({ ref: 'refs/heads/dev' });
  const v = await classifyWebhook('github', secret, { 'x-github-event': 'push', 'x-hub-signature-256': await sign(secret, dev) }, dev, 'main');
  assert.deepEqual(v, { kind: 'ignored', reason: 'push to refs/heads/dev, following main' });
  assert.equal(
    (await classifyWebhook('github', secret, { 'x-github-event': 'push', 'x-hub-signature-256': await sign(secret, 'nope') }, 'nope', 'main')).kind,
    'bad_request',
  );
});

test('gitea: hex HMAC-SHA256 in X-Gitea-Signature', async () => {
  const hex = createHmac('sha256', secret).update(push).digest('hex');
  assert.equal((await classifyWebhook('gitea', secret, { 'x-gitea-event': 'push', 'x-gitea-signature': hex }, push, 'main')).kind, 'push');
  const wrong = createHmac('sha256', 'x').update(push).digest('hex');
  assert.equal((await classifyWebhook('gitea', secret, { 'x-gitea-event': 'push', 'x-gitea-signature': wrong }, push, 'main')).kind, 'unauthorized');
  assert.equal((await classifyWebhook('gitea', secret, { 'x-gitea-event': 'push', 'x-gitea-signature': hex.slice(2) }, push, 'main')).kind, 'unauthorized');
  assert.equal((await classifyWebhook('gitea', secret, { 'x-gitea-event': 'issues', 'x-gitea-signature': hex }, push, 'main')).kind, 'ignored');
});

test('gitlab: X-Gitlab-Token compared in constant time; Push Hook events', async () => {
  assert.equal((await classifyWebhook('gitlab', secret, { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': secret }, push, 'main')).kind, 'push');
  assert.equal(
    (await classifyWebhook('gitlab', secret, { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': 'hook-secreT' }, push, 'main')).kind,
    'unauthorized',
  );
  assert.equal((await classifyWebhook('gitlab', secret, { 'x-gitlab-event': 'Push Hook' }, push, 'main')).kind, 'unauthorized');
  assert.equal((await classifyWebhook('gitlab', secret, { 'x-gitlab-event': 'Merge Request Hook', 'x-gitlab-token': secret }, push, 'main')).kind, 'ignored');
});

test('refMatches: branch, tag, full ref; any ref when none is configured', () => {
  assert.equal(refMatches('refs/heads/main', 'main'), true);
  assert.equal(refMatches('refs/tags/v1', 'v1'), true);
  assert.equal(refMatches('refs/heads/main', 'refs/heads/main'), true);
  assert.equal(refMatches('refs/heads/main2', 'main'), false);
  assert.equal(refMatches('refs/heads/anything', undefined), true);
  assert.equal(safeEqual('a', 'a'), true);
  assert.equal(safeEqual('a', 'ab'), false);
});

test('deliveries: the same id or the same signed body within 24 h is a replay; after 24 h it counts again', async () => {
  const kv = new Map<string, string>();
  const store = {
    getKv: async (ns: string, k: string) => kv.get(`${ns}/${k}`),
    setKv: async (ns: string, k: string, v: string | undefined) => void (v === undefined ? kv.delete(`${ns}/${k}`) : kv.set(`${ns}/${k}`, v)),
  };
  let now = Date.parse('2025-01-01T00:00:00Z');
  const log = new WebhookDeliveries(store, () => now);
  assert.equal(await log.seen('github', 'd-1', push), false);
  await log.remember('github', 'd-1', push);
  assert.equal(await log.seen('github', 'd-1', push), true, 'same delivery');
  assert.equal(await log.seen('github', 'd-2', push), true, 'same signed body under a new id');
  assert.equal(await log.seen('github', 'd-1', '{"ref":"refs/heads/main","after":"b"}'), true, 'same id, other body');
  assert.equal(await log.seen('gitea', 'd-1', push), false, 'ids are per forge');
  assert.equal(await new WebhookDeliveries(store, () => now).seen('github', 'd-1', push), true, 'kept in the store');
  now += deliveryWindowMs - 1;
  assert.equal(await log.seen('github', 'd-1', push), true);
  now += 1;
  assert.equal(await log.seen('github', 'd-1', push), false, 'forgotten after 24 h');
  await log.remember('github', 'd-9', 'other');
  assert.deepEqual(
    (JSON.parse(kv.get('webhooks/deliveries')!) as Array<[string, number]>).map(([n]) => n.split(':')[1]),
    ['body', 'id'],
    'expired entries are pruned on write',
  );
  assert.equal(deliveryId({ 'x-gitlab-event-uuid': 'u-1' }), 'u-1');
  assert.equal(deliveryId({}), undefined);
});
