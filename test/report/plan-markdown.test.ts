import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderPlanMarkdown, PLAN_COMMENT_MARKER } from '../../src/report/plan-markdown.js';
import { unifiedDiff } from '../../src/util/unified-diff.js';
import type { Plan } from '../../src/model/plan.js';
import { change, resource, samplePlan, baseSha, headSha } from './fixtures.js';

test('PR comment: marker first, summary, one <details> per application, footer with base → head', () => {
  const md = renderPlanMarkdown(samplePlan(), { baseRevision: baseSha });
  assert.equal(md.split('\n')[0], PLAN_COMMENT_MARKER);
  assert.equal(PLAN_COMMENT_MARKER, '<!-- boreas-plan -->');
  assert.ok(md.includes('**Plan: 1 to create, 3 to change, 1 to delete.**'));
  assert.ok(md.includes('Per environment: `local`: 1 to create, 3 to change, 0 to delete · `prod`: 0 to create, 0 to change, 1 to delete'));
  const sections = md.match(/<details><summary><strong>([a-z]+)<\/strong>/g)!;
  assert.deepEqual(sections, ['<details><summary><strong>api</strong>', '<details><summary><strong>old</strong>', '<details><summary><strong>web</strong>']);
  assert.equal(md.split('<details>').length, md.split('</details>').length, 'every section closed');
  assert.ok(md.includes('| `~` | Instance `api-1` | update | SpecChanged: desired spec changed |'));
  assert.ok(md.includes('- Instance `api-1` `spec.version`: `"v1"` → `"v2"`'));
  assert.ok(md.includes('```diff\n--- a/etc/api/config.yaml\n+++ b/etc/api/config.yaml\n@@ -1,2 +1,2 @@\n name: api\n-port: 8080\n+port: 8081\n```\n'));
  assert.ok(md.trimEnd().endsWith(`base \`${baseSha.slice(0, 12)}\` → head \`${headSha.slice(0, 12)}\` · 3 resources unchanged</sub>`));
  assert.ok(!md.includes('shortened'), 'no truncation note when it fits');
});

test('validation errors are listed inline with file:line:col', () => {
  const md = renderPlanMarkdown(
    { revision: headSha, changes: [], unchanged: 0, orphans: [], unknown: [], unknownTargets: [] },
    {
      title: 'head revision is invalid',
      diagnostics: [
        { file: 'apps/api.yaml', line: 12, col: 5, manifest: 'Application/api', field: 'spec.ports[0].port', message: 'must be integer', severity: 'error' },
        { file: 'apps/web.yaml', line: 3, col: 1, field: '', message: 'unknown <kind>', severity: 'error' },
      ],
    },
  );
  assert.ok(md.startsWith(`${PLAN_COMMENT_MARKER}\n### head revision is invalid\n`));
  assert.ok(md.includes('**Not planned:** 2 validation errors.'));
  assert.ok(md.includes('- :x: `apps/api.yaml:12:5` Application/api: `spec.ports[0].port`: must be integer\n'));
  assert.ok(md.includes('- :x: `apps/web.yaml:3:1` unknown &lt;kind&gt;\n'), 'HTML in messages escaped');
});

test('no changes: says so', () => {
  const md = renderPlanMarkdown({ revision: headSha, changes: [], unchanged: 4, orphans: [], unknown: [], unknownTargets: [] });
  assert.ok(md.includes('**No changes.** Desired state matches actual state.'));
  assert.ok(!md.includes('<details>'));
});

function bigText(lines: number, tag: string): string {
  return Array.from({ length: lines }, (_, i) => `${tag} line ${i} ${'x'.repeat(60)}`).join('\n') + '\n';
}

test('stays under 65,536 characters: the largest diff is truncated first, small diffs stay intact', () => {
  const huge = unifiedDiff('/srv/big/data.json', '', bigText(5000, 'huge'));
  const medium = unifiedDiff('/etc/medium.conf', bigText(200, 'old'), bigText(200, 'new'));
  const small = unifiedDiff('/etc/small.conf', 'a=1\n', 'a=2\n');
  const plan: Plan = {
    revision: headSha,
    unchanged: 0,
    orphans: [],
    unknown: [],
    unknownTargets: [],
    changes: [
      change('update', resource({ kind: 'File', owner: 'big', name: '/srv/big/data.json' }), { textDiffs: { '/srv/big/data.json': huge } }),
      change('update', resource({ kind: 'File', owner: 'mid', name: '/etc/medium.conf' }), { textDiffs: { '/etc/medium.conf': medium } }),
      change('update', resource({ kind: 'File', owner: 'small', name: '/etc/small.conf' }), { textDiffs: { '/etc/small.conf': small } }),
    ],
  };
  assert.ok(huge.length > 65_536, 'the fixture really is too big');
  const md = renderPlanMarkdown(plan, { baseRevision: baseSha });
  assert.ok(md.length <= 65_536, `length ${md.length}`);
  assert.ok(md.includes('*diff of `/srv/big/data.json` truncated (5003 lines)*'), 'note names the diff and its size');
  assert.ok(!md.includes('huge line 0 '), 'the huge diff is gone');
  assert.ok(md.includes(medium.trimEnd()), 'the medium diff fits once the huge one is cut');
  assert.ok(md.includes('```diff\n' + small.trimEnd() + '\n```'), 'the small diff is intact');
  assert.ok(md.includes('This report was shortened to fit the comment size limit: 1 diff truncated (largest first)'));
  assert.equal(md.split('\n')[0], PLAN_COMMENT_MARKER);
  assert.ok(md.includes(`→ head \`${headSha.slice(0, 12)}\``), 'footer survives');
  assert.equal(md.split('<details>').length, md.split('</details>').length);
});

test('a tight limit truncates several diffs, largest first, then collapses sections', () => {
  const diffs = [300, 200, 100, 5].map((n, i) => unifiedDiff(`/f${i}`, '', bigText(n, `f${i}`)));
  const plan: Plan = {
    revision: headSha,
    unchanged: 0,
    orphans: [],
    unknown: [],
    unknownTargets: [],
    changes: diffs.map((d, i) => change('update', resource({ kind: 'File', owner: `app${i}`, name: `/f${i}` }), { textDiffs: { [`/f${i}`]: d } })),
  };
  const md = renderPlanMarkdown(plan, { maxChars: 12_000 });
  assert.ok(md.length <= 12_000);
  assert.ok(md.includes('*diff of `/f0` truncated'));
  assert.ok(md.includes('*diff of `/f1` truncated'));
  assert.ok(md.includes(diffs[3].trimEnd()), 'the 5-line diff survives');
  const tiny = renderPlanMarkdown(plan, { maxChars: 1200 });
  assert.ok(tiny.length <= 1200, `length ${tiny.length}`);
  assert.ok(tiny.startsWith(PLAN_COMMENT_MARKER));
  assert.ok(tiny.includes('collapsed') || tiny.includes('left out'), tiny);
});

test('diffs containing ``` get a longer fence', () => {
  const d = unifiedDiff('/README.md', 'a\n', '```\ncode\n```\n');
  const plan: Plan = {
    revision: headSha,
    unchanged: 0,
    orphans: [],
    unknown: [],
    unknownTargets: [],
    changes: [change('update', resource({ kind: 'File', owner: 'docs', name: '/README.md' }), { textDiffs: { '/README.md': d } })],
  };
  const md = renderPlanMarkdown(plan);
  assert.ok(md.includes('````diff\n'));
});

test('thousands of applications: one line each while they fit, then a count; still under the limit', () => {
  const changes = Array.from({ length: 3000 }, (_, i) =>
    change('update', resource({ kind: 'File', owner: `app${i}`, name: `/etc/app${i}.conf` }), {
      fields: [{ path: 'version', before: 'v1', after: 'v2' }],
      textDiffs: { [`/etc/app${i}.conf`]: unifiedDiff(`/etc/app${i}.conf`, `port: ${i}\n`, `port: ${i + 1}\n`) },
    }),
  );
  const md = renderPlanMarkdown({ revision: headSha, unchanged: 0, orphans: [], unknown: [], unknownTargets: [], changes }, { baseRevision: baseSha });
  assert.ok(md.length <= 65_536, `length ${md.length}`);
  assert.ok(md.includes('**Plan: 0 to create, 3000 to change, 0 to delete.**'));
  assert.ok(md.includes('every application reduced to one line'));
  assert.ok(md.includes('- <strong>app0</strong> · local · 0 to create, 1 to change, 0 to delete (details left out to fit the size limit)\n'));
  assert.match(md, /- … and \d+ more applications not shown\n/);
  assert.ok(md.trimEnd().endsWith('resources unchanged</sub>'), 'footer kept');
});
