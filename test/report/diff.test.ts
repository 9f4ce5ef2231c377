import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unifiedDiff, countLines } from '../../src/util/unified-diff.js';

test('unifiedDiff is git-style with a/ b/ labels and hunks', () => {
  const d = unifiedDiff('/etc/api/config.yaml', 'a: 1\nb: 2\nc: 3\n', 'a: 1\nb: 20\nc: 3\n');
  assert.equal(d, '--- a/etc/api/config.yaml\n+++ b/etc/api/config.yaml\n@@ -1,3 +1,3 @@\n a: 1\n-b: 2\n+b: 20\n c: 3\n');
});

test('creation and deletion read against /dev/null; equal text gives no diff', () => {
  assert.ok(unifiedDiff('x.conf', '', 'new\n').startsWith('--- /dev/null\n+++ b/x.conf\n@@ -0,0 +1 @@\n+new\n'));
  assert.ok(unifiedDiff('x.conf', 'old\n', '').startsWith('--- a/x.conf\n+++ /dev/null\n@@ -1 +0,0 @@\n-old\n'));
  assert.equal(unifiedDiff('x', 'same', 'same'), '');
  assert.equal(countLines('a\nb\n'), 2);
  assert.equal(countLines(''), 0);
});
