// Moves are shown as moves: an instance placed on another node is one `move` entry (its create and
// delete still both run), a site whose path on the edge changed is a move of that site, not
// "applied before, now missing"; an unrelated delete and create stay what they are. Text, markdown and
// JSON say the same, and count each move once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InventoryItem } from '../../src/model/inventory.js';
import type { DesiredResource, Json, ObservedResource } from '../../src/model/resource.js';
import { computePlan } from '../../src/plan/compute.js';
import { planToTasks } from '../../src/plan/tasks.js';
import { renderPlanJson } from '../../src/report/plan-json.js';
import { renderPlanMarkdown } from '../../src/report/plan-markdown.js';
import { renderPlanText } from '../../src/report/plan-text.js';
import { hashJson } from '../../src/util/hash.js';
import { absent, looseResource } from '../helpers/resources.js';

function res(target: string, kind: DesiredResource['kind'], name: string, owner: string, spec: Record<string, unknown>): DesiredResource {
  return looseResource({ id: `${target}/${kind}/${name}`, target, kind, owner, environment: 'prod', name, spec, hash: hashJson(spec), dependsOn: [] });
}
const healthy = { status: 'Healthy' as const, level: 100 };
const seen = (r: DesiredResource): ObservedResource => ({ id: r.id, state: 'present', appliedHash: r.hash, appliedSpec: r.spec as Json, health: healthy });
const inv = (r: DesiredResource): InventoryItem => ({
  resource: r,
  appliedHash: r.hash,
  revision: 'a'.repeat(40),
  lastTaskKey: `k-${r.id}`,
  appliedAt: '2026-01-01',
});

function plan(before: DesiredResource[], after: DesiredResource[], observe: (r: DesiredResource) => ObservedResource) {
  const observed = new Map<string, ObservedResource>();
  for (const r of [...before, ...after]) observed.set(r.id, observe(r));
  for (const r of before) observed.set(r.id, seen(r));
  return computePlan({ revision: 'b'.repeat(40), desired: after, observed, inventory: new Map(before.map((r) => [r.id, inv(r)])), prune: true });
}

test('an instance placed on another node is one move; its tasks still start the new copy and stop the old', () => {
  const old = res('agent:node-3', 'Instance', 'api-2', 'api', { node: 'node-3', ordinal: 2 });
  const stay = res('agent:node-1', 'Instance', 'api-0', 'api', { node: 'node-1', ordinal: 0 });
  const moved = res('agent:node-1', 'Instance', 'api-2', 'api', { node: 'node-1', ordinal: 2 });
  const gone = res('agent:node-2', 'Instance', 'old-0', 'old', { node: 'node-2', ordinal: 0 });
  const fresh = res('agent:node-2', 'Instance', 'new-0', 'new', { node: 'node-2', ordinal: 0 });
  const p = plan([old, stay, gone], [stay, moved, fresh], (r) => absent(r.id));

  const byId = new Map(p.changes.map((c) => [c.id, c]));
  assert.deepEqual(byId.get(moved.id)?.move, { from: 'agent:node-3', to: 'agent:node-1', counterpart: old.id });
  assert.deepEqual(byId.get(old.id)?.move, { from: 'agent:node-3', to: 'agent:node-1', counterpart: moved.id });
  assert.equal(byId.get(moved.id)?.reason, 'Moved');
  assert.equal(byId.get(gone.id)?.move, undefined, 'a resource of another application is not a move');
  assert.equal(byId.get(fresh.id)?.move, undefined);
  assert.deepEqual(
    planToTasks(p, { inventory: new Map([old, stay, gone].map((r) => [r.id, inv(r)])), batchSize: () => undefined })
      .map((t) => `${t.action} ${t.resourceId}`)
      .sort(),
    [`create ${fresh.id}`, `create ${moved.id}`, `delete ${gone.id}`, `delete ${old.id}`].sort(),
  );

  const text = renderPlanText(p, { color: false });
  assert.match(text, /^ {4}> move Instance api-2: agent:node-3 → agent:node-1 \(Moved: placement: a node cordoned, gone or no longer selected\)$/m);
  assert.doesNotMatch(text, /[+-] Instance api-2/, 'not an unrelated create and delete');
  assert.match(text, /^ {4}\+ Instance new-0 /m);
  assert.match(text, /^ {4}- Instance old-0 \(Pruned: no longer in Git/m);
  assert.match(text, /^Plan: 1 to create, 0 to change, 1 to delete, 1 to move\.$/m);

  const json = renderPlanJson(p);
  assert.deepEqual(json.summary, { create: 1, update: 0, delete: 1, repair: 0, replace: 0, adopt: 0, move: 1, unchanged: 1 });
  assert.deepEqual(json.changes.find((c) => c.id === moved.id)?.move, { from: 'agent:node-3', to: 'agent:node-1', counterpart: old.id });

  const md = renderPlanMarkdown(p);
  assert.match(md, /\*\*Plan: 1 to create, 0 to change, 1 to delete, 1 to move\.\*\*/);
  assert.match(md, /\| `>` \| Instance `api-2` \| move `agent:node-3` → `agent:node-1` \|/);
  assert.equal(md.split('Instance `api-2`').length - 1, 1, 'one row for the move');
});

test("a site whose path on the edge changed is a move of the site, not 'applied before, now missing'", () => {
  const spec = (confDir: string) => ({ siteName: 'boreas-web', node: 'local', targetPath: `${confDir}/boreas-web.conf`, content: 'server {}' });
  const before = res('local', 'NginxSite', 'web@local', 'Ingress/web', spec('/srv/nginx/sites'));
  const after = res('local', 'NginxSite', 'web@local', 'Ingress/web', spec('/etc/nginx/conf.d'));
  const p = computePlan({
    revision: 'c'.repeat(40),
    desired: [after],
    observed: new Map([[after.id, absent(after.id)]]),
    inventory: new Map([[before.id, inv(before)]]),
    prune: true,
  });
  assert.equal(p.changes.length, 1);
  const [c] = p.changes;
  assert.deepEqual(c.move, { from: '/srv/nginx/sites/boreas-web.conf', to: '/etc/nginx/conf.d/boreas-web.conf' });
  const text = renderPlanText(p, { color: false });
  assert.match(
    text,
    /> move NginxSite web@local: \/srv\/nginx\/sites\/boreas-web\.conf → \/etc\/nginx\/conf\.d\/boreas-web\.conf \(Moved: its location on local changed in Git\)/,
  );
  assert.doesNotMatch(text, /now missing/);
  assert.match(text, /Plan: 0 to create, 0 to change, 0 to delete, 1 to move\./);
});

test('without a move, plans read as before (no "to move" in the counts)', () => {
  const a = res('local', 'Instance', 'a-0', 'a', { v: 1 });
  const p = plan([], [a], (r) => absent(r.id));
  assert.match(renderPlanText(p, { color: false }), /^Plan: 1 to create, 0 to change, 0 to delete\.$/m);
});
